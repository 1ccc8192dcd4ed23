-- The source schema of pipelines/atlas_tiering.pipe (MariaDB / MySQL 8): the banking tables
-- with the columns the Atlas document model needs (names split, phone, postal address,
-- credit limits, closing dates). pipelines/sql/bank_schema.sql (the ODS job) has no such
-- columns, hence this schema.
CREATE DATABASE IF NOT EXISTS atlas_bank CHARACTER SET utf8mb4;
USE atlas_bank;

CREATE TABLE IF NOT EXISTS customers (
  customer_id   BIGINT PRIMARY KEY,
  first_name    VARCHAR(60) NOT NULL,
  last_name     VARCHAR(60) NOT NULL,
  email         VARCHAR(200) NULL,
  phone         VARCHAR(30) NULL,
  date_of_birth DATE NULL,
  address_line1 VARCHAR(120) NULL,
  address_line2 VARCHAR(120) NULL,
  city          VARCHAR(60) NULL,
  state         CHAR(2) NULL,
  postal_code   VARCHAR(12) NULL,
  country       CHAR(2) NOT NULL DEFAULT 'US',
  status        ENUM('active','suspended','closed') NOT NULL DEFAULT 'active',
  credit_score  SMALLINT NULL,
  created_at    DATETIME(6) NOT NULL,
  updated_at    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS accounts (
  account_id     BIGINT PRIMARY KEY,
  customer_id    BIGINT NOT NULL,
  account_number CHAR(12) NOT NULL,
  account_type   ENUM('checking','savings','credit','loan') NOT NULL,
  currency       CHAR(3) NOT NULL DEFAULT 'USD',
  status         ENUM('open','frozen','closed') NOT NULL DEFAULT 'open',
  balance        DECIMAL(18,2) NOT NULL,
  interest_rate  DECIMAL(7,4) NULL,
  credit_limit   DECIMAL(18,2) NULL,
  opened_date    DATE NOT NULL,
  closed_date    DATE NULL,
  created_at     DATETIME(6) NOT NULL,
  updated_at     TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  KEY (customer_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS transactions (
  transaction_id   BIGINT PRIMARY KEY,
  account_id       BIGINT NOT NULL,
  transaction_type ENUM('deposit','withdrawal','transfer','fee','interest') NOT NULL,
  amount           DECIMAL(18,2) NOT NULL,
  currency         CHAR(3) NOT NULL DEFAULT 'USD',
  status           ENUM('pending','booked','reversed') NOT NULL DEFAULT 'booked',
  description      VARCHAR(200) NULL,
  transaction_date DATETIME(6) NOT NULL,
  created_at       DATETIME(6) NOT NULL,
  updated_at       TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  KEY (account_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS agreements (
  agreement_id   BIGINT PRIMARY KEY,
  customer_id    BIGINT NOT NULL,
  agreement_type ENUM('mortgage','consumer_loan','credit_card','overdraft') NOT NULL,
  status         ENUM('draft','active','closed','defaulted') NOT NULL,
  principal      DECIMAL(18,2) NOT NULL,
  rate           DECIMAL(7,4) NOT NULL,
  start_date     DATE NOT NULL,
  end_date       DATE NULL,
  created_at     DATETIME(6) NOT NULL,
  updated_at     TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  KEY (customer_id)
) ENGINE=InnoDB;
