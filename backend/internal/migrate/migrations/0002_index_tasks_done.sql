-- Serves GET /api/tasks?done=... : filter on done, walk id backwards.
CREATE INDEX tasks_done_id_idx ON tasks (done, id DESC);
