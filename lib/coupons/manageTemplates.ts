import type { z } from 'zod';
import type { Clock } from '../clock/clock';
import { conflict, invalid, notFound, ok, type Result } from '../result';
import { defaultValue, type CouponTemplate } from './coupon';
import type { templateInputSchema } from './couponSchemas';
import type { CouponTemplateStore } from './couponStore';

type TemplatePorts = { templates: CouponTemplateStore; clock: Clock };
type TemplateInput = z.infer<typeof templateInputSchema>;

/** The template as stored: its value defaults from the title ("免费…" is an item), stamped now. */
function stamp(ports: TemplatePorts, id: string, { id: _id, value, ...input }: TemplateInput): CouponTemplate {
  return { id, ...input, value: value ?? defaultValue(input.title), updatedAt: new Date(ports.clock.now()).toISOString() };
}

/** Every template, by id. */
export async function listTemplates(ports: Pick<TemplatePorts, 'templates'>): Promise<{ templates: CouponTemplate[] }> {
  return { templates: (await ports.templates.list()).sort((a, b) => a.id.localeCompare(b.id)) };
}

export async function getTemplate(ports: Pick<TemplatePorts, 'templates'>, id: string): Promise<Result<CouponTemplate>> {
  const template = await ports.templates.get(id);
  return template ? ok(template) : notFound(`coupon template ${id} not found`);
}

export async function createTemplate(ports: TemplatePorts, input: TemplateInput & { id: string }): Promise<Result<CouponTemplate>> {
  const template = stamp(ports, input.id, input);
  return (await ports.templates.create(template)) ? ok(template) : conflict(`template ${input.id} exists already; use PUT to change it`);
}

/** Replaces a template that exists; an `id` in the input must be the one replaced. */
export async function replaceTemplate(ports: TemplatePorts, id: string, input: TemplateInput): Promise<Result<CouponTemplate>> {
  if (input.id !== undefined && input.id !== id) return invalid(`id: must be ${id} (the id in the path) or left out`);
  const template = stamp(ports, id, input);
  return (await ports.templates.replace(template)) ? ok(template) : notFound(`coupon template ${id} not found`);
}

export async function deleteTemplate(ports: Pick<TemplatePorts, 'templates'>, id: string): Promise<Result<void>> {
  return (await ports.templates.remove(id)) ? ok(undefined) : notFound(`coupon template ${id} not found`);
}
