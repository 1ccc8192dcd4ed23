-- The finance schema of DSL.md section 1 (pipelines/mks_finance_ods.pipe).
CREATE DATABASE IF NOT EXISTS mks_finance_dw CHARACTER SET utf8mb4;
USE mks_finance_dw;

CREATE TABLE IF NOT EXISTS customers (
  customer_id    BIGINT PRIMARY KEY,
  national_id    CHAR(11) NOT NULL,
  full_name      VARCHAR(120) NOT NULL,
  phone          VARCHAR(20) NULL,
  city           VARCHAR(60) NULL,
  monthly_income DECIMAL(12,2) NULL,
  risk_grade     ENUM('A','B','C','D') NOT NULL,
  created_at     DATETIME NOT NULL,
  updated_at     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS credit_applications (
  application_id   BIGINT PRIMARY KEY,
  customer_id      BIGINT NOT NULL,
  vehicle_vin      CHAR(17) NULL,
  requested_amount DECIMAL(14,2) NOT NULL,
  term_months      SMALLINT NOT NULL,
  interest_rate    DECIMAL(6,3) NOT NULL,
  status           ENUM('submitted','approved','rejected','disbursed','cancelled') NOT NULL,
  submitted_at     DATETIME(3) NOT NULL,
  decided_at       DATETIME(3) NULL,
  KEY (customer_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS vehicle_ownership (
  ownership_id   BIGINT PRIMARY KEY,
  customer_id    BIGINT NOT NULL,
  vin            CHAR(17) NOT NULL,
  make           VARCHAR(40) NOT NULL,
  model          VARCHAR(40) NOT NULL,
  model_year     YEAR NOT NULL,
  purchase_price DECIMAL(12,2) NOT NULL,
  registered_on  DATE NOT NULL,
  is_financed    TINYINT(1) NOT NULL DEFAULT 0,
  KEY (customer_id)
) ENGINE=InnoDB;
