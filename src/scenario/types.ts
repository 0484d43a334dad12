/** The shape of a loaded scenario (after `extends` is resolved and the schema check passed). */
import type { Rule } from '../rules/types.js';

export interface Scenario {
  name: string;
  description?: string;
  /** File it was loaded from; undefined for an inline scenario sent to the admin API. */
  file?: string;
  /** API name → its seed object (`apis.<name>` in the file). */
  apis: Record<string, any>;
  rules: Rule[];
}
