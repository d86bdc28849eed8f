export { catalogueFields, catalogueColumns, hasCatalogueEdit, normaliseTags, MAX_TAG_LENGTH, type CatalogueEdit } from './metadata';
