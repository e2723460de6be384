/**
 * `$LAB_DIR/myroot` in a check's path (and `$LAB_DISK` in a pattern): the lab's variables
 * (upper case) are expanded the way the lesson shell expands them, so a check names the same
 * place the commands do. An unknown variable is left as it is (the check then reports a path
 * that does not exist).
 */
export function expandLabVars(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)\}|\$([A-Z_][A-Z0-9_]*)/g, (all, a, b) => {
    const value = env[String(a ?? b)];
    return value === undefined ? all : value;
  });
}
