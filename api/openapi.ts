import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'A token minted by `npm run cli -- token` or POST /api/v1/tokens' });
  return registry;
}

export function openApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'duban 督办 API',
      version: '1.0.0',
      description: 'Supervision rounds for the industrial-workforce reform: task lists, submissions, escalation, observers\' questionnaires and scored evaluations.',
    },
    servers: [{ url: '/api/v1' }],
  });
}
