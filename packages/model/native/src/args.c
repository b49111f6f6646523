/* See args.h. */
#include "args.h"

#include <stdio.h>

static void fail(Args *a, int range, const char *name, const char *what) {
  if (a->failed) return;
  char msg[160];
  snprintf(msg, sizeof msg, "grugan native: %s %s", name, what);
  if (range) napi_throw_range_error(a->env, NULL, msg);
  else napi_throw_type_error(a->env, NULL, msg);
  a->failed = 1;
}

int args_read(napi_env env, napi_callback_info info, size_t expected, Args *a) {
  a->env = env;
  a->argc = GRUGAN_MAX_ARGS;
  a->failed = 0;
  if (napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL) != napi_ok) {
    a->failed = 1;
    return 0;
  }
  if (a->argc != expected) {
    char msg[80];
    snprintf(msg, sizeof msg, "grugan native: expected %zu arguments, got %zu", expected, a->argc);
    napi_throw_type_error(env, NULL, msg);
    a->failed = 1;
    return 0;
  }
  return 1;
}

int args_int(Args *a, size_t i, const char *name) {
  int32_t v = 0;
  if (a->failed) return 0;
  if (napi_get_value_int32(a->env, a->argv[i], &v) != napi_ok) fail(a, 0, name, "must be a number");
  else if (v < 0) fail(a, 1, name, "must not be negative");
  return v;
}

float *args_f32(Args *a, size_t i, const char *name, size_t need, int optional, size_t *length) {
  if (a->failed) return NULL;
  napi_valuetype kind;
  napi_typeof(a->env, a->argv[i], &kind);
  if (optional && (kind == napi_null || kind == napi_undefined)) {
    if (length) *length = 0;
    return NULL;
  }
  bool is_typed = false;
  napi_is_typedarray(a->env, a->argv[i], &is_typed);
  napi_typedarray_type type;
  size_t n = 0;
  void *data = NULL;
  if (!is_typed || napi_get_typedarray_info(a->env, a->argv[i], &type, &n, &data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    fail(a, 0, name, "must be a Float32Array");
    return NULL;
  }
  if (n < need) {
    fail(a, 1, name, "is too short for the sizes given");
    return NULL;
  }
  if (length) *length = n;
  /* N-API already offsets `data` by the view's byteOffset. (An empty array may give NULL: then
   * nothing is read or written through it, since its sizes are zero.) */
  return (float *)data;
}
