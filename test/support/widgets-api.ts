/**
 * A tiny stateful API used only by the engine tests, so they exercise mounting, routing, validation,
 * security, rules and state without depending on any real API's quirks.
 */
import { conflict, notFound, unauthorized, type MockError } from '../../src/engine/errors.js';
import type { ApiModule } from '../../src/engine/types.js';
import { fixturePath } from './test-app.js';

interface Widget {
  name: string;
  color: string;
  contact?: string;
}
interface WidgetState {
  keys: string[];
  widgets: Record<string, Widget>;
}

export const widgetsApi: ApiModule<WidgetState> = {
  name: 'widgets',
  title: 'Widgets',
  specs: [fixturePath('engine', 'widgets.yaml')],
  order: 'validate-first',
  seedSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      options: { type: 'object' },
      keys: { type: 'array', items: { type: 'string' } },
      users: { type: 'array', items: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } } },
      widgets: { type: 'array', items: { type: 'object', required: ['name', 'color'], properties: { name: { type: 'string' }, color: { type: 'string' } } } },
    },
  },
  createState: (seed) => ({
    keys: seed?.keys ?? [],
    widgets: Object.fromEntries((seed?.widgets ?? []).map((w: Widget) => [w.name, w])),
  }),
  verifiers: {
    keyAuth: (credential, { state }) => {
      if (!state.keys.includes(credential.value!)) throw unauthorized('invalid', 'unknown key');
      return { id: credential.value! };
    },
    // cookieAuth and queryAuth have no verifier of their own: the engine falls back to the credential type.
    apiKey: (credential, { state }) => {
      if (!state.keys.includes(credential.value!)) throw unauthorized('invalid', 'unknown key');
      return { id: credential.value! };
    },
    oauth: (credential) => {
      // A value this server would not read as a credential: as if no Authorization had been sent.
      if (credential.value === 'not-a-token') return undefined;
      if (credential.value !== 'token-carol') throw unauthorized('invalid', 'unknown token');
      return { id: 'carol' };
    },
    basic: (credential) => {
      if (credential.password !== 'secret') throw unauthorized('invalid', 'bad password');
      return { id: credential.username! };
    },
  },
  handlers: {
    listWidgets: ({ state, request }) => ({ status: 200, body: { items: Object.values(state.widgets).slice(0, request.query.limit ?? 50) } }),
    createWidget: ({ state, request }) => {
      const widget = request.body as Widget;
      if (state.widgets[widget.name]) throw conflict('widget name taken');
      state.widgets[widget.name] = widget;
      return { status: 201, body: widget };
    },
    getWidget: ({ state, request }) => {
      const widget = state.widgets[request.params.name];
      if (!widget) throw notFound(`no widget ${request.params.name}`);
      return { status: 200, body: widget };
    },
    deleteWidget: ({ state, request }) => {
      if (!state.widgets[request.params.name]) throw notFound(`no widget ${request.params.name}`);
      delete state.widgets[request.params.name];
      return { status: 204 };
    },
    ping: () => ({ status: 200, body: { pong: true } }),
  },
  renderError: (error: MockError) => ({
    status: error.status,
    headers: error.headers,
    body: { message: error.message, ...(error.issues.length ? { issues: error.issues } : {}) },
  }),
};
