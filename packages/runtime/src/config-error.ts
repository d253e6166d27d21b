/** Start-up configuration is wrong: the process must not run. The message names each bad field. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = new.target.name;
  }
}
