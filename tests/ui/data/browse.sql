-- Traces for the browser's snapshot tests, written into a copy of a real
-- MLflow 3 store (experiment 0 "Default" and 1 "mean_cal" exist there).
-- Times start at 2026-03-02 09:00:00 UTC (1772442000000 ms).  Span content
-- is MLflow's v4 span dict; attribute values are JSON-encoded strings, so
-- they are built with json_object(...) || '' (text, quoted once more).

-- ---- A: a RAG answer with a chat, a tool call and feedback ---------------
INSERT INTO trace_info VALUES ('tr-a0000000000000000000000000000001', 0,
  1772445600000, 2300, 'OK', NULL,
  '{"question": "How do I rotate my API key?"}',
  '"Open Settings → API keys and click Rotate; the old key stops working."');
INSERT INTO trace_tags VALUES
  ('mlflow.traceName', 'rag_answer', 'tr-a0000000000000000000000000000001'),
  ('mlflow.trace.spansLocation', 'TRACKING_STORE', 'tr-a0000000000000000000000000000001');
INSERT INTO trace_request_metadata VALUES
  ('mlflow.trace.user', 'alice@example.com', 'tr-a0000000000000000000000000000001'),
  ('mlflow.trace.session', 'sess-1', 'tr-a0000000000000000000000000000001');
INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status,
                   start_time_unix_nano, end_time_unix_nano, content) VALUES
 ('tr-a0000000000000000000000000000001', 0, 'aaaa000000000001', NULL, 'rag_answer', 'CHAIN', 'OK',
  1772445600000000000, 1772445602300000000,
  json_object('trace_id', 'tr-a0000000000000000000000000000001', 'span_id', 'aaaa000000000001',
    'parent_span_id', NULL, 'name', 'rag_answer',
    'start_time_unix_nano', 1772445600000000000, 'end_time_unix_nano', 1772445602300000000,
    'events', json_array(), 'status', json_object('code', 'OK', 'message', ''),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-a0000000000000000000000000000001') || '',
      'mlflow.spanType', json_quote('CHAIN') || '',
      'mlflow.spanInputs', json_object('question', 'How do I rotate my API key?') || '',
      'mlflow.spanOutputs', json_quote('Open Settings → API keys and click Rotate; the old key stops working.') || ''),
    'otel_trace_id', 'a0000000000000000000000000000001')),
 ('tr-a0000000000000000000000000000001', 0, 'aaaa000000000002', 'aaaa000000000001', 'retrieve_docs', 'RETRIEVER', 'OK',
  1772445600010000000, 1772445600400000000,
  json_object('trace_id', 'tr-a0000000000000000000000000000001', 'span_id', 'aaaa000000000002',
    'parent_span_id', 'aaaa000000000001', 'name', 'retrieve_docs',
    'start_time_unix_nano', 1772445600010000000, 'end_time_unix_nano', 1772445600400000000,
    'events', json_array(), 'status', json_object('code', 'OK', 'message', ''),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-a0000000000000000000000000000001') || '',
      'mlflow.spanType', json_quote('RETRIEVER') || '',
      'mlflow.spanInputs', json_object('query', 'rotate API key', 'k', 2) || '',
      'mlflow.spanOutputs', json_array(json_object('doc', 'keys.md', 'score', 0.91),
                                       json_object('doc', 'auth.md', 'score', 0.47)) || ''),
    'otel_trace_id', 'a0000000000000000000000000000001')),
 ('tr-a0000000000000000000000000000001', 0, 'aaaa000000000003', 'aaaa000000000001', 'chat_completion', 'CHAT_MODEL', 'OK',
  1772445600420000000, 1772445602200000000,
  json_object('trace_id', 'tr-a0000000000000000000000000000001', 'span_id', 'aaaa000000000003',
    'parent_span_id', 'aaaa000000000001', 'name', 'chat_completion',
    'start_time_unix_nano', 1772445600420000000, 'end_time_unix_nano', 1772445602200000000,
    'events', json_array(), 'status', json_object('code', 'OK', 'message', ''),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-a0000000000000000000000000000001') || '',
      'mlflow.spanType', json_quote('CHAT_MODEL') || '',
      'mlflow.message.format', json_quote('openai') || '',
      'mlflow.llm.model', json_quote('gpt-4o-mini') || '',
      'mlflow.chat.tokenUsage', json_object('input_tokens', 310, 'output_tokens', 42, 'total_tokens', 352) || '',
      'mlflow.spanInputs', json_object('model', 'gpt-4o-mini', 'messages', json_array(
          json_object('role', 'system', 'content', 'You are a support assistant.'),
          json_object('role', 'user', 'content', 'How do I rotate my API key?'),
          json_object('role', 'assistant', 'content', NULL, 'tool_calls', json_array(
            json_object('id', 'call_1', 'type', 'function', 'function',
              json_object('name', 'lookup_docs', 'arguments', '{"topic": "api keys"}')))),
          json_object('role', 'tool', 'tool_call_id', 'call_1',
                      'content', 'Keys rotate under Settings → API keys.'))) || '',
      'mlflow.spanOutputs', json_object('choices', json_array(json_object('index', 0,
          'message', json_object('role', 'assistant',
            'content', 'Open Settings → API keys and click Rotate; the old key stops working.'),
          'finish_reason', 'stop'))) || ''),
    'otel_trace_id', 'a0000000000000000000000000000001')),
 ('tr-a0000000000000000000000000000001', 0, 'aaaa000000000004', 'aaaa000000000003', 'lookup_docs', 'TOOL', 'OK',
  1772445600600000000, 1772445600900000000,
  json_object('trace_id', 'tr-a0000000000000000000000000000001', 'span_id', 'aaaa000000000004',
    'parent_span_id', 'aaaa000000000003', 'name', 'lookup_docs',
    'start_time_unix_nano', 1772445600600000000, 'end_time_unix_nano', 1772445600900000000,
    'events', json_array(), 'status', json_object('code', 'OK', 'message', ''),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-a0000000000000000000000000000001') || '',
      'mlflow.spanType', json_quote('TOOL') || '',
      'mlflow.spanInputs', json_object('topic', 'api keys') || '',
      'mlflow.spanOutputs', json_quote('Keys rotate under Settings → API keys.') || ''),
    'otel_trace_id', 'a0000000000000000000000000000001'));
INSERT INTO assessments VALUES
 ('a-a0000000000000000000000000000001', 'tr-a0000000000000000000000000000001', 'correctness',
  'feedback', 'false', NULL, 1772445700000, 1772445700000, 'LLM_JUDGE', 'openai:/gpt-4o-mini',
  NULL, 'aaaa000000000003',
  'The answer omits a step: it never says the old key is revoked.
It also does not cite the documentation it looked up.', NULL, 0, NULL),
 ('a-a0000000000000000000000000000002', 'tr-a0000000000000000000000000000001', 'correctness',
  'feedback', 'true', NULL, 1772445800000, 1772445800000, 'HUMAN', 'alice',
  NULL, 'aaaa000000000003', 'Rotation revokes the old key; the answer says so.',
  'a-a0000000000000000000000000000001', 1, NULL),
 ('a-a0000000000000000000000000000003', 'tr-a0000000000000000000000000000001', 'quality',
  'feedback', '4', NULL, 1772445750000, 1772445750000, 'HUMAN', 'bob',
  NULL, NULL, NULL, NULL, 1, NULL),
 ('a-a0000000000000000000000000000004', 'tr-a0000000000000000000000000000001', 'expected_answer',
  'expectation', '"Settings → API keys → Rotate"', NULL, 1772445760000, 1772445760000, 'HUMAN', 'bob',
  NULL, NULL, NULL, NULL, 1, NULL),
 ('a-a0000000000000000000000000000005', 'tr-a0000000000000000000000000000001', 'contains_citation',
  'feedback', 'false', NULL, 1772445710000, 1772445710000, 'CODE', 'contains_citation',
  NULL, NULL, NULL, NULL, 1, NULL);

-- ---- B: an agent run that failed: error spans, an exception, an orphan ---
INSERT INTO trace_info VALUES ('tr-b0000000000000000000000000000002', 0,
  1772449200000, 5100, 'ERROR', NULL,
  '{"city": "Oslo"}', NULL);
INSERT INTO trace_tags VALUES
  ('mlflow.traceName', 'agent_run', 'tr-b0000000000000000000000000000002'),
  ('mlflow.trace.spansLocation', 'TRACKING_STORE', 'tr-b0000000000000000000000000000002');
INSERT INTO trace_request_metadata VALUES
  ('mlflow.trace.user', 'bob', 'tr-b0000000000000000000000000000002');
INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status,
                   start_time_unix_nano, end_time_unix_nano, content) VALUES
 ('tr-b0000000000000000000000000000002', 0, 'bbbb000000000001', NULL, 'agent_run', 'AGENT', 'ERROR',
  1772449200000000000, 1772449205100000000,
  json_object('trace_id', 'tr-b0000000000000000000000000000002', 'span_id', 'bbbb000000000001',
    'parent_span_id', NULL, 'name', 'agent_run',
    'start_time_unix_nano', 1772449200000000000, 'end_time_unix_nano', 1772449205100000000,
    'events', json_array(), 'status', json_object('code', 'ERROR', 'message', 'tool call_weather failed'),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-b0000000000000000000000000000002') || '',
      'mlflow.spanType', json_quote('AGENT') || '',
      'mlflow.spanInputs', json_object('city', 'Oslo') || ''),
    'otel_trace_id', 'b0000000000000000000000000000002')),
 ('tr-b0000000000000000000000000000002', 0, 'bbbb000000000002', 'bbbb000000000001', 'plan', 'LLM', 'OK',
  1772449200000000000, 1772449201200000000,
  json_object('trace_id', 'tr-b0000000000000000000000000000002', 'span_id', 'bbbb000000000002',
    'parent_span_id', 'bbbb000000000001', 'name', 'plan',
    'start_time_unix_nano', 1772449200000000000, 'end_time_unix_nano', 1772449201200000000,
    'events', json_array(), 'status', json_object('code', 'OK', 'message', ''),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-b0000000000000000000000000000002') || '',
      'mlflow.spanType', json_quote('LLM') || '',
      'mlflow.spanInputs', json_quote('Plan how to answer: weather in Oslo') || '',
      'mlflow.spanOutputs', json_quote('Call call_weather(city=Oslo)') || ''),
    'otel_trace_id', 'b0000000000000000000000000000002')),
 ('tr-b0000000000000000000000000000002', 0, 'bbbb000000000003', 'bbbb000000000001', 'call_weather', 'TOOL', 'ERROR',
  1772449201300000000, 1772449205000000000,
  json_object('trace_id', 'tr-b0000000000000000000000000000002', 'span_id', 'bbbb000000000003',
    'parent_span_id', 'bbbb000000000001', 'name', 'call_weather',
    'start_time_unix_nano', 1772449201300000000, 'end_time_unix_nano', 1772449205000000000,
    'events', json_array(json_object('name', 'exception', 'time_unix_nano', 1772449205000000000,
      'attributes', json_object('exception.type', 'TimeoutError',
        'exception.message', 'weather API timed out after 3.7s',
        'exception.stacktrace', 'Traceback (most recent call last):
  File "tools.py", line 12, in call_weather
    return client.get(url, timeout=3.7)
TimeoutError: weather API timed out after 3.7s'))),
    'status', json_object('code', 'ERROR', 'message', 'TimeoutError: weather API timed out after 3.7s'),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-b0000000000000000000000000000002') || '',
      'mlflow.spanType', json_quote('TOOL') || '',
      'mlflow.spanInputs', json_object('city', 'Oslo') || ''),
    'otel_trace_id', 'b0000000000000000000000000000002')),
 ('tr-b0000000000000000000000000000002', 0, 'bbbb000000000004', 'ffff00000000dead', 'late_callback', 'UNKNOWN', 'UNSET',
  1772449205050000000, 1772449205090000000,
  json_object('trace_id', 'tr-b0000000000000000000000000000002', 'span_id', 'bbbb000000000004',
    'parent_span_id', 'ffff00000000dead', 'name', 'late_callback',
    'start_time_unix_nano', 1772449205050000000, 'end_time_unix_nano', 1772449205090000000,
    'events', json_array(), 'status', json_object('code', 'UNSET', 'message', ''),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-b0000000000000000000000000000002') || ''),
    'otel_trace_id', 'b0000000000000000000000000000002'));
INSERT INTO assessments VALUES
 ('a-b0000000000000000000000000000001', 'tr-b0000000000000000000000000000002', 'user_satisfaction',
  'feedback', 'false', NULL, 1772449300000, 1772449300000, 'HUMAN', 'me-tester',
  NULL, NULL, 'It crashed instead of answering.', NULL, 1, NULL),
 ('a-b0000000000000000000000000000002', 'tr-b0000000000000000000000000000002', 'quality',
  'feedback', '1', NULL, 1772449310000, 1772449310000, 'LLM_JUDGE', 'openai:/gpt-4o-mini',
  NULL, NULL, 'No answer was produced.', NULL, 1, NULL);

-- ---- C: hostile text everywhere --------------------------------------------
INSERT INTO trace_info VALUES ('tr-c0000000000000000000000000000003', 0,
  1772452800000, 420, 'OK', NULL,
  'hi ' || char(27) || ']52;c;aGVsbG8=' || char(7) || ' there' || char(13) || char(10) || 'line2 ' || char(0x202e) || 'olleh',
  char(27) || '[31mred' || char(27) || '[0m ' || CAST(X'C0AF' AS TEXT) || ' ' || char(0x9b) || '2J');
INSERT INTO trace_tags VALUES
  ('mlflow.traceName', 'evil' || char(27) || '[2J' || char(27) || ']0;PWNED' || char(7) || char(0x202e) || 'exe' || CAST(X'FF' AS TEXT),
   'tr-c0000000000000000000000000000003'),
  ('mlflow.trace.spansLocation', 'TRACKING_STORE', 'tr-c0000000000000000000000000000003');
INSERT INTO trace_request_metadata VALUES
  ('mlflow.trace.user', 'mallory' || char(27) || '[8m', 'tr-c0000000000000000000000000000003');
INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status,
                   start_time_unix_nano, end_time_unix_nano, content) VALUES
 ('tr-c0000000000000000000000000000003', 0, 'cccc000000000001', NULL,
  'span' || char(27) || ']0;TITLE' || char(27) || '\' || char(0x2066) || 'x' || CAST(X'FE' AS TEXT), 'LLM', 'OK',
  1772452800000000000, 1772452800420000000,
  json_object('trace_id', 'tr-c0000000000000000000000000000003', 'span_id', 'cccc000000000001',
    'parent_span_id', NULL, 'name', 'span',
    'start_time_unix_nano', 1772452800000000000, 'end_time_unix_nano', 1772452800420000000,
    'events', json_array(), 'status', json_object('code', 'OK', 'message', ''),
    'attributes', json_object(
      'mlflow.traceRequestId', json_quote('tr-c0000000000000000000000000000003') || '',
      'mlflow.spanType', json_quote('LLM') || '',
      'mlflow.spanInputs', json_object('q', 'x' || char(27) || '[H' || char(0x2066) || 'y') || '',
      'mlflow.spanOutputs', json_quote('ok ' || char(27) || ']52;c;Zm9v' || char(7)) || '',
      'note', json_quote(char(0x9b) || '6n bell' || char(7) || ' del' || char(127)) || ''),
    'otel_trace_id', 'c0000000000000000000000000000003'));
INSERT INTO assessments VALUES
 ('a-c0000000000000000000000000000001', 'tr-c0000000000000000000000000000003', 'safety',
  'feedback', '"unsafe ' || char(27) || '[5m"', NULL, 1772452900000, 1772452900000, 'LLM_JUDGE',
  'judge' || char(27) || ']0;owned' || char(7),
  NULL, 'cccc000000000001',
  'Rationale with ' || char(27) || '[2J clear, ' || char(27) || ']52;c;cHduZWQ=' || char(7) ||
  ' clipboard, ' || char(0x202e) || 'bidi and ' || CAST(X'FF' AS TEXT) || ' bytes.',
  NULL, 1, NULL);

-- ---- D: spans stored elsewhere (nothing to find) ----------------------------
INSERT INTO trace_info VALUES ('tr-d0000000000000000000000000000004', 0,
  1772443800000, 900, 'OK', NULL, '{"q": "where are my spans?"}', '"in an artifact store"');
INSERT INTO trace_tags VALUES
  ('mlflow.traceName', 'remote_spans', 'tr-d0000000000000000000000000000004'),
  ('mlflow.artifactLocation', 'mlflow-artifacts:/0/traces/tr-d0000000000000000000000000000004/artifacts',
   'tr-d0000000000000000000000000000004');

-- ---- E: forty batch jobs before 09:00 (scrolling) ---------------------------
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO trace_info
SELECT printf('tr-e%031d', i), 0, 1772442000000 - i * 60000, 100 + i * 37,
       CASE WHEN i % 7 = 0 THEN 'ERROR' ELSE 'OK' END, NULL,
       printf('{"job": %d}', i), printf('"done %d"', i)
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO trace_tags SELECT 'mlflow.traceName', printf('batch_job_%02d', i), printf('tr-e%031d', i) FROM n;

-- ---- F: another experiment ---------------------------------------------------
INSERT INTO trace_info VALUES ('tr-f0000000000000000000000000000006', 1,
  1772446000000, 77, 'OK', NULL, '"calibrate"', '"0.93"');
INSERT INTO trace_tags VALUES ('mlflow.traceName', 'calibration', 'tr-f0000000000000000000000000000006');
