// serverless-iam-roles-per-function gives every function a role of its own, cloned from the
// framework's default role, which it leaves in the template attached to nothing (with rights to every
// function's logs). This removes it once no function uses it, so the stack holds only the roles in use.
// Must come after serverless-iam-roles-per-function in serverless.yml's plugins (same hook, later).
class DropUnusedDefaultRole {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.drop() };
  }

  drop() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const roleId = this.serverless.providers.aws.naming.getRoleLogicalId();
    if (!resources[roleId]) return;
    const others = Object.entries(resources).filter(([id]) => id !== roleId);
    if (JSON.stringify(others).includes(`"${roleId}"`)) return;
    delete resources[roleId];
  }
}

module.exports = DropUnusedDefaultRole;
