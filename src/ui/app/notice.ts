/** The short message the footer shows ("press Ctrl-C again to quit"). */
import { createContext, useContext } from 'react';

export const NoticeContext = createContext<string | undefined>(undefined);

export function useNotice(): string | undefined {
  return useContext(NoticeContext);
}
