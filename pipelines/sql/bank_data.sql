-- Deterministic sample data for the banking schema. Scale factor @sf (set it before sourcing
-- this file; default 0.01): customers 20,000 x sf, accounts 30,000 x sf, transactions
-- 240,000 x sf, agreements 10,000 x sf (300,000 rows per unit: sf = 10 gives 3 million).
-- Every value is a function of the row number (MariaDB's SEQUENCE engine), so two loads with
-- the same sf hold identical data.
USE bank;
SET @sf = IFNULL(@sf, 0.01);
SET @nc = GREATEST(1, CAST(20000 * @sf AS UNSIGNED));
SET @na = GREATEST(1, CAST(30000 * @sf AS UNSIGNED));
SET @nt = GREATEST(1, CAST(240000 * @sf AS UNSIGNED));
SET @ng = GREATEST(1, CAST(10000 * @sf AS UNSIGNED));
SET time_zone = '+00:00';

INSERT INTO customers (id, full_name, email, segment, status, birth_date, credit_score, created_at, updated_at)
SELECT seq,
       CONCAT(ELT(1 + seq % 10, 'Anna','Ben','Chloé','Dmitri','Eva','Farid','Grete','Hugo','Ines','Jonas'), ' ',
              ELT(1 + (seq DIV 10) % 8, 'Berg','Costa','Dubois','Ekström','Fischer','García','Horváth','Ivanova'), ' ', seq),
       IF(seq % 13 = 0, NULL, CONCAT('customer', seq, '@example.com')),
       ELT(1 + seq % 3, 'retail', 'premium', 'private'),
       IF(seq % 97 = 0, 'suspended', 'active'),
       IF(seq % 17 = 0, NULL, DATE('1950-01-01') + INTERVAL (seq * 37) % 18000 DAY),
       IF(seq % 11 = 0, NULL, 300 + (seq * 7) % 550),
       TIMESTAMP('2015-01-01 00:00:00') + INTERVAL (seq * 7919) % 283996800 SECOND + INTERVAL (seq % 1000000) MICROSECOND,
       TIMESTAMP('2024-01-01 00:00:00') + INTERVAL (seq * 104729) % 31536000 SECOND + INTERVAL (seq * 13 % 1000000) MICROSECOND
FROM seq_1_to_1000000000 WHERE seq <= @nc;

INSERT INTO accounts (id, customer_id, iban, currency, account_type, balance, interest_rate, status, opened_on, updated_at)
SELECT seq,
       1 + (seq * 7) % @nc,
       CONCAT('DE', LPAD(seq % 100, 2, '0'), LPAD(seq * 7919 % 100000000, 8, '0'), LPAD(seq, 10, '0')),
       ELT(1 + seq % 4, 'EUR', 'EUR', 'USD', 'CHF'),
       ELT(1 + seq % 3, 'checking', 'savings', 'loan'),
       CAST(CAST((seq * 104729) % 5000000 AS SIGNED) - 50000 AS DECIMAL(18,0)) / 100,
       IF(seq % 3 = 0, NULL, CAST((seq * 31) % 90000 AS DECIMAL(10,0)) / 10000),
       ELT(1 + IF(seq % 50 = 0, 1, IF(seq % 77 = 0, 2, 0)), 'open', 'frozen', 'closed'),
       DATE('2010-01-01') + INTERVAL (seq * 13) % 5000 DAY,
       TIMESTAMP('2024-01-01 00:00:00') + INTERVAL (seq * 7907) % 31536000 SECOND + INTERVAL (seq * 17 % 1000000) MICROSECOND
FROM seq_1_to_1000000000 WHERE seq <= @na;

INSERT INTO transactions (id, account_id, amount, currency, kind, status, booked_at, value_date, description, created_at)
SELECT seq,
       1 + (seq * 13) % @na,
       CAST(CAST((seq * 7727) % 10000000 AS SIGNED) - 3000000 AS DECIMAL(18,0)) / 100,
       ELT(1 + seq % 4, 'EUR', 'EUR', 'USD', 'CHF'),
       ELT(1 + seq % 5, 'deposit', 'withdrawal', 'transfer', 'fee', 'interest'),
       ELT(1 + IF(seq % 20 = 0, 0, IF(seq % 101 = 0, 2, 1)), 'pending', 'booked', 'reversed'),
       TIMESTAMP('2023-01-01 00:00:00') + INTERVAL (seq * 7) % 63072000 SECOND + INTERVAL (seq * 101 % 1000000) MICROSECOND,
       DATE('2023-01-01') + INTERVAL (seq * 7) % 63072000 DIV 86400 DAY,
       IF(seq % 4 = 0, NULL, CONCAT(ELT(1 + seq % 5, 'Salary', 'ATM', 'Transfer to', 'Monthly fee', 'Interest'), ' #', seq)),
       TIMESTAMP('2023-01-01 00:00:00') + INTERVAL (seq * 7) % 63072000 SECOND + INTERVAL (seq * 103 % 1000000) MICROSECOND
FROM seq_1_to_1000000000 WHERE seq <= @nt;

INSERT INTO agreements (id, customer_id, product, principal, rate, start_date, end_date, status, signed_at, updated_at)
SELECT seq,
       1 + (seq * 11) % @nc,
       ELT(1 + seq % 4, 'mortgage', 'consumer_loan', 'credit_card', 'overdraft'),
       CAST((seq * 99991) % 100000000 + 100000 AS DECIMAL(18,0)) / 100,
       CAST(100 + (seq * 37) % 1200 AS DECIMAL(10,0)) / 10000,
       DATE('2012-01-01') + INTERVAL (seq * 29) % 4000 DAY,
       IF(seq % 3 = 0, NULL, DATE('2012-01-01') + INTERVAL (seq * 29) % 4000 + 365 * (1 + seq % 25) DAY),
       ELT(1 + seq % 4, 'draft', 'active', 'closed', 'defaulted'),
       IF(seq % 4 = 0, NULL, TIMESTAMP('2012-01-01 00:00:00') + INTERVAL (seq * 2333) % 345600000 SECOND),
       TIMESTAMP('2024-01-01 00:00:00') + INTERVAL (seq * 6007) % 31536000 SECOND + INTERVAL (seq * 19 % 1000000) MICROSECOND
FROM seq_1_to_1000000000 WHERE seq <= @ng;
