-- Deterministic sample data for the finance schema. Scale factor @sf (default 0.01):
-- customers 10,000 x sf, credit_applications 20,000 x sf, vehicle_ownership 10,000 x sf.
USE mks_finance_dw;
SET @sf = IFNULL(@sf, 0.01);
SET @nc = GREATEST(1, CAST(10000 * @sf AS UNSIGNED));
SET time_zone = '+00:00';

INSERT INTO customers (customer_id, national_id, full_name, phone, city, monthly_income, risk_grade, created_at, updated_at)
SELECT seq, LPAD(seq * 7919 % 100000000000, 11, '0'),
       CONCAT(ELT(1 + seq % 6, 'Aigerim','Bauyrzhan','Dana','Erlan','Gulnara','Timur'), ' ', seq),
       IF(seq % 9 = 0, NULL, CONCAT('+7 701 ', LPAD(seq % 10000000, 7, '0'))),
       ELT(1 + seq % 4, 'Almaty', 'Astana', 'Shymkent', NULL),
       IF(seq % 7 = 0, NULL, CAST(150000 + (seq * 104729) % 2000000 AS DECIMAL(12,0)) / 100),
       ELT(1 + seq % 4, 'A', 'B', 'C', 'D'),
       TIMESTAMP('2019-01-01') + INTERVAL (seq * 7919) % 157680000 SECOND,
       TIMESTAMP('2024-01-01') + INTERVAL (seq * 104729) % 31536000 SECOND + INTERVAL (seq % 1000) * 1000 MICROSECOND
FROM seq_1_to_1000000000 WHERE seq <= @nc;

INSERT INTO credit_applications (application_id, customer_id, vehicle_vin, requested_amount, term_months, interest_rate, status, submitted_at, decided_at)
SELECT seq, 1 + (seq * 7) % @nc,
       IF(seq % 5 = 0, NULL, CONCAT('XTA', LPAD(seq * 31 % 100000000000000, 14, '0'))),
       CAST(500000 + (seq * 99991) % 50000000 AS DECIMAL(14,0)) / 100,
       ELT(1 + seq % 4, 12, 24, 36, 60),
       CAST(9000 + (seq * 37) % 20000 AS DECIMAL(10,0)) / 1000,
       ELT(1 + seq % 5, 'submitted', 'approved', 'rejected', 'disbursed', 'cancelled'),
       TIMESTAMP('2023-01-01') + INTERVAL (seq * 7) % 31536000 SECOND + INTERVAL (seq % 1000) * 1000 MICROSECOND,
       IF(seq % 5 = 0, NULL, TIMESTAMP('2023-01-02') + INTERVAL (seq * 7) % 31536000 SECOND + INTERVAL (seq * 3 % 1000) * 1000 MICROSECOND)
FROM seq_1_to_1000000000 WHERE seq <= 2 * @nc;

INSERT INTO vehicle_ownership (ownership_id, customer_id, vin, make, model, model_year, purchase_price, registered_on, is_financed)
SELECT seq, 1 + (seq * 3) % @nc, CONCAT('WVW', LPAD(seq * 17 % 100000000000000, 14, '0')),
       ELT(1 + seq % 5, 'Toyota', 'Hyundai', 'Kia', 'Lada', 'Chevrolet'),
       ELT(1 + seq % 5, 'Camry', 'Tucson', 'Rio', 'Vesta', 'Cobalt'),
       2005 + seq % 20,
       CAST(300000000 + (seq * 7727) % 2000000000 AS DECIMAL(14,0)) / 100,
       DATE('2005-01-01') + INTERVAL (seq * 13) % 7000 DAY,
       seq % 2
FROM seq_1_to_1000000000 WHERE seq <= @nc;
