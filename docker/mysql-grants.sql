-- Replication privileges for the `sluice` user created by the image (MYSQL_USER).
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'sluice'@'%';
FLUSH PRIVILEGES;
