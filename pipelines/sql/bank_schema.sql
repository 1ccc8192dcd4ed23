-- The banking schema replicated by pipelines/mysql_to_ods.pipe (MariaDB / MySQL 8).
-- DECIMAL balances, ENUM statuses, DATE / DATETIME / TIMESTAMP columns, NULLs.
CREATE DATABASE IF NOT EXISTS bank CHARACTER SET utf8mb4;
USE bank;

CREATE TABLE IF NOT EXISTS customers (
  id           BIGINT PRIMARY KEY,
  full_name    VARCHAR(100) NOT NULL,
  email        VARCHAR(200) NULL,
  segment      ENUM('retail','premium','private') NOT NULL,
  status       ENUM('active','suspended','closed') NOT NULL DEFAULT 'active',
  birth_date   DATE NULL,
  credit_score SMALLINT NULL,
  created_at   DATETIME(6) NOT NULL,
  updated_at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS accounts (
  id            BIGINT PRIMARY KEY,
  customer_id   BIGINT NOT NULL,
  iban          CHAR(22) NOT NULL,
  currency      CHAR(3) NOT NULL,
  account_type  ENUM('checking','savings','loan') NOT NULL,
  balance       DECIMAL(18,2) NOT NULL,
  interest_rate DECIMAL(7,4) NULL,
  status        ENUM('open','frozen','closed') NOT NULL DEFAULT 'open',
  opened_on     DATE NOT NULL,
  updated_at    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY (customer_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS transactions (
  id          BIGINT PRIMARY KEY,
  account_id  BIGINT NOT NULL,
  amount      DECIMAL(18,2) NOT NULL,
  currency    CHAR(3) NOT NULL,
  kind        ENUM('deposit','withdrawal','transfer','fee','interest') NOT NULL,
  status      ENUM('pending','booked','reversed') NOT NULL,
  booked_at   DATETIME(6) NOT NULL,
  value_date  DATE NOT NULL,
  description VARCHAR(200) NULL,
  created_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY (account_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS agreements (
  id          BIGINT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  product     ENUM('mortgage','consumer_loan','credit_card','overdraft') NOT NULL,
  principal   DECIMAL(18,2) NOT NULL,
  rate        DECIMAL(7,4) NOT NULL,
  start_date  DATE NOT NULL,
  end_date    DATE NULL,
  status      ENUM('draft','active','closed','defaulted') NOT NULL,
  signed_at   DATETIME NULL,
  updated_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY (customer_id)
) ENGINE=InnoDB;
