-- What the projects' lifecycle records beyond the first schema: when work began, and why and
-- when a project was called off; who marked a milestone done.
ALTER TABLE projects ADD COLUMN started_at TIMESTAMP;
ALTER TABLE projects ADD COLUMN cancellation_reason TEXT;
ALTER TABLE projects ADD COLUMN cancelled_at TIMESTAMP;
ALTER TABLE project_milestones ADD COLUMN done_by BIGINT REFERENCES users (id);

-- Projects are found by the organisation that carries them.
CREATE INDEX projects_organisation ON projects (organisation_id);
