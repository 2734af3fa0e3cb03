/**
 * UpdateItem expressions from plain objects. Every attribute gets a placeholder name and value
 * (`#s0 = :s0`), so any attribute name is safe (reserved words like `status`, `level`, `source`);
 * hand-written clauses (`if_not_exists`, arithmetic) come through as they are, with their own
 * names and values. Attributes set to undefined are left out (as the document client leaves them
 * out of a put).
 */
export interface UpdateSpec {
  /** Attributes to set to these values. */
  set?: Record<string, unknown>;
  /** Hand-written SET clauses, e.g. `firstSeenAt = if_not_exists(firstSeenAt, :at)`. */
  setClauses?: readonly string[];
  /** Numbers to add (DynamoDB `ADD`: a missing attribute counts from 0). */
  add?: Record<string, number | undefined>;
  /** Hand-written ADD clauses (e.g. adding to a set). */
  addClauses?: readonly string[];
  /** Attributes to remove. */
  remove?: readonly string[];
  /** Names and values the hand-written clauses and the condition use. */
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** The UpdateExpression and its names and values (each map left out when empty: DynamoDB refuses empty ones). */
export function updateExpression(spec: UpdateSpec): UpdateParts {
  const names: Record<string, string> = { ...spec.names };
  const values: Record<string, unknown> = { ...spec.values };
  const sets = [...(spec.setClauses ?? [])];
  const adds = [...(spec.addClauses ?? [])];
  for (const [i, [name, value]] of Object.entries(spec.set ?? {})
    .filter(([, v]) => v !== undefined)
    .entries()) {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  }
  for (const [i, [name, value]] of Object.entries(spec.add ?? {})
    .filter(([, v]) => v !== undefined)
    .entries()) {
    names[`#n${i}`] = name;
    values[`:n${i}`] = value;
    adds.push(`#n${i} :n${i}`);
  }
  const removes = (spec.remove ?? []).map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  const clauses = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    adds.length ? `ADD ${adds.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ].filter(Boolean);
  if (clauses.length === 0) throw new Error('an update with nothing to set, add or remove');
  return {
    UpdateExpression: clauses.join(' '),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}
