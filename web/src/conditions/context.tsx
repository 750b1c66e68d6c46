// What every condition editor reads from the page around it: the catalog that feeds the
// pickers, the server's complaints by node, the conditions not finished yet, and limits.
import { createContext, type ReactNode, useContext } from 'react';
import type { Catalog } from './model.ts';

export interface ConditionsState {
  catalog: Catalog | undefined;
  /** Messages of the server, by node uid. */
  errors: Map<string, string[]>;
  /** Conditions not finished yet, by uid. */
  unfinished: Set<string>;
  /** Saving was tried: unfinished conditions are shown as problems. */
  flagUnfinished?: boolean;
  /** The segment being edited: it cannot use itself. */
  selfId?: string;
  /** Whether another condition may be added (MAX_CONDITIONS). */
  canAddCondition: boolean;
}

const ConditionsContext = createContext<ConditionsState>({ catalog: undefined, errors: new Map(), unfinished: new Set(), canAddCondition: true });

export function ConditionsProvider({ value, children }: { value: ConditionsState; children: ReactNode }) {
  return <ConditionsContext.Provider value={value}>{children}</ConditionsContext.Provider>;
}

export const useConditions = (): ConditionsState => useContext(ConditionsContext);
