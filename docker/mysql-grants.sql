-- Replication privileges for the `sluice` user the MariaDB image creates (MARIADB_USER; it
-- already has every privilege on MARIADB_DATABASE): read every schema (bank, atlas_bank), take
-- the snapshot lock, read the binlog. Loaded last (docker/compose.yml, 09-grants.sql).
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'sluice'@'%';
FLUSH PRIVILEGES;
