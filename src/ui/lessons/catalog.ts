/** Moved to the lessons API (src/lessons/home.ts); kept until the UI imports it from there. */
export {
  loadCatalog,
  loadLessonCached,
  type Catalog,
  type CatalogEntry,
} from '../../lessons/home.js';
