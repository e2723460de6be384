/**
 * Colours of the screens. With NO_COLOR set (https://no-color.org) or TERM=dumb every colour
 * is undefined and the screens fall back to text marks (›, ✓, [ ]) that need no colour.
 */
import { createContext, useContext } from 'react';

export interface Theme {
  mono: boolean;
  accent: string | undefined;
  ok: string | undefined;
  warn: string | undefined;
  fail: string | undefined;
  muted: string | undefined;
  code: string | undefined;
  keyword: string | undefined;
  string: string | undefined;
  comment: string | undefined;
  variable: string | undefined;
}

const colour: Theme = {
  mono: false,
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  fail: 'red',
  muted: 'gray',
  code: 'white',
  keyword: 'magenta',
  string: 'yellow',
  comment: 'gray',
  variable: 'cyan',
};

const mono: Theme = {
  mono: true,
  accent: undefined,
  ok: undefined,
  warn: undefined,
  fail: undefined,
  muted: undefined,
  code: undefined,
  keyword: undefined,
  string: undefined,
  comment: undefined,
  variable: undefined,
};

/** Whether this environment asks for no colour. */
export function wantsMonochrome(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
}

export function themeFor(monochrome: boolean): Theme {
  return monochrome ? mono : colour;
}

export const ThemeContext = createContext<Theme>(colour);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
