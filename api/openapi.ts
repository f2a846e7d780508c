import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'A token minted by `npm run cli -- token` or POST /api/v1/tokens' });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey', in: 'cookie', name: 'duban_session',
    description: 'The cookie POST /api/v1/auth/login sets; a change made with it also needs the header X-CSRF-Token from GET /api/v1/auth/csrf',
  });
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
