DROP TABLE job_leases;
DROP TABLE outbox;
DROP TABLE notification_preferences;
DROP TABLE notification_settings;
DROP TABLE notifications;
