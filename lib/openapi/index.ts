export { openApiDocument, HTTP_METHODS, type ApiOperation, type HttpMethod, type OpenApiDocument } from './document';
