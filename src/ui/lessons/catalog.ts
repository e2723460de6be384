/** Moved to the lessons API (src/lessons/home.ts); kept until the UI imports it from there. */
export { loadCatalog, type Catalog, type CatalogEntry } from '../../lessons/home.js';
