// The condition language as its editors see it: the definition's types (from the server's
// schema, types only) and the catalog that feeds the pickers. Segments use these editors
// today; workflow branches, goals and trigger filters, survey targeting and report filters
// will use them too. The words (operators, labels) are src/segments/vocabulary.ts.
import type { z } from 'zod';
import type { segmentCatalog } from '../../../src/segments/contract.ts';
import type {
  EventCondition,
  EventFilter,
  EventMeasure,
  EventWindow,
  FieldCondition,
  Group,
  MembershipCondition,
  PurchaseCondition,
  SegmentDefinition,
  SegmentNode,
  segmentDefinition,
  segmentNode,
} from '../../../src/segments/definition.ts';

export type { EventCondition, EventFilter, EventMeasure, EventWindow, FieldCondition, Group, MembershipCondition, PurchaseCondition, SegmentDefinition, SegmentNode };
/** A definition as the API sends it (the server fills in defaults; the type leaves them optional). */
export type SegmentNodeInput = z.input<typeof segmentNode>;
export type DefinitionInput = z.input<typeof segmentDefinition>;

/** What the pickers offer (GET /segments/catalog): fields with their types, events with their properties, segments, currencies. */
export type Catalog = z.input<typeof segmentCatalog>;
export type CatalogField = Catalog['fields'][number];
export type CatalogEvent = Catalog['events'][number];
