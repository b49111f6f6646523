/** A small client of the coordinator's `/v1` API for e2e tests (plain fetch, bearer token). */
export interface Api {
  base: string;
  token?: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  text: string;
  contentType: string;
}

export async function call<T = unknown>(api: Api, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {};
  if (api.token) headers.authorization = `Bearer ${api.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, api.base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  const parsed = contentType.includes('json') && text ? JSON.parse(text) : text;
  return { status: res.status, body: parsed as T, text, contentType };
}

/** Like `call`, but throws unless the answer is 2xx. */
export async function ok<T = unknown>(api: Api, method: string, path: string, body?: unknown): Promise<T> {
  const r = await call<T>(api, method, path, body);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} → ${r.status}: ${r.text.slice(0, 500)}`);
  return r.body;
}
