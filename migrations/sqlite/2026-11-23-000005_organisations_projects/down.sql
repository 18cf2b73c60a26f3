DROP INDEX projects_organisation;
ALTER TABLE project_milestones DROP COLUMN done_by;
ALTER TABLE projects DROP COLUMN cancelled_at;
ALTER TABLE projects DROP COLUMN cancellation_reason;
ALTER TABLE projects DROP COLUMN started_at;
