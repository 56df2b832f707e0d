-- A trace as an MLflow server stores it when it receives OTLP from an OTel
-- GenAI instrumentation (no MLflow tracing on the client): no
-- mlflow.traceName tag, no mlflow.spanInputs / mlflow.spanOutputs, the
-- conversation in gen_ai.input.messages / gen_ai.output.messages, v3 span
-- dicts (base64 ids, STATUS_CODE_UNSET, "links"), and an exception event
-- whose time_unix_nano is in microseconds, as found in real stores (the
-- span starts at 1772195127145361471 ns, its exception at
-- 1772195127425930).  Written into a copy of a real MLflow 3 store.
INSERT INTO trace_info VALUES ('tr-f0000000000000000000000000000001', 0,
  1772195127145, 1000, 'OK', NULL,
  '[{"role": "user", "parts": [{"type": "text", "content": "Where is my order 1234?"}]}]',
  '[{"role": "assistant", "parts": [{"type": "text", "content": "It ships today."}]}]');
INSERT INTO trace_tags VALUES
  ('mlflow.trace.spansLocation', 'TRACKING_STORE', 'tr-f0000000000000000000000000000001'),
  ('service.name', 'support-bot', 'tr-f0000000000000000000000000000001');
INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status,
                   start_time_unix_nano, end_time_unix_nano, content) VALUES
 ('tr-f0000000000000000000000000000001', 0, 'f000000000000001', NULL, 'invoke_agent support', NULL,
  'STATUS_CODE_UNSET', 1772195127145361471, 1772195128145361471,
  json_object('trace_id', '8AAAAAAAAAAAAAAAAAAAAQ==', 'span_id', '8AAAAAAAAAE=', 'parent_span_id', '',
    'name', 'invoke_agent support',
    'start_time_unix_nano', 1772195127145361471, 'end_time_unix_nano', 1772195128145361471,
    'events', json_array(), 'links', json_array(),
    'status', json_object('code', 'STATUS_CODE_UNSET', 'message', ''),
    'attributes', json_object(
      'gen_ai.operation.name', json_quote('invoke_agent') || '',
      'gen_ai.input.messages', json_array(json_object('role', 'user', 'parts',
        json_array(json_object('type', 'text', 'content', 'Where is my order 1234?')))) || '',
      'gen_ai.output.messages', json_array(json_object('role', 'assistant', 'parts',
        json_array(json_object('type', 'text', 'content', 'It ships today.')))) || ''))),
 ('tr-f0000000000000000000000000000001', 0, 'f000000000000002', 'f000000000000001', 'chat gpt-4o-mini', NULL,
  'STATUS_CODE_ERROR', 1772195127145361471, 1772195127525361471,
  json_object('trace_id', '8AAAAAAAAAAAAAAAAAAAAQ==', 'span_id', '8AAAAAAAAAI=', 'parent_span_id', '8AAAAAAAAAE=',
    'name', 'chat gpt-4o-mini',
    'start_time_unix_nano', 1772195127145361471, 'end_time_unix_nano', 1772195127525361471,
    'events', json_array(json_object('name', 'exception', 'time_unix_nano', 1772195127425930,
      'attributes', json_object('exception.type', 'TimeoutError', 'exception.message', 'upstream timed out'))),
    'links', json_array(),
    'status', json_object('code', 'STATUS_CODE_ERROR', 'message', 'upstream timed out'),
    'attributes', json_object('gen_ai.operation.name', json_quote('chat') || '')));
