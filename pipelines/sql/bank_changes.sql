-- Live changes applied by scripts/demo.sh while pipelines/mysql_to_ods.pipe runs:
-- a new customer with an account and transactions, balance updates, a status change,
-- and deletes. Ids 900001+ never collide with bank_data.sql.
USE bank;
SET time_zone = '+00:00';
START TRANSACTION;
INSERT INTO customers (id, full_name, email, segment, status, birth_date, credit_score, created_at, updated_at)
VALUES (900001, 'Zoë Quinten-Müller', 'zoe@example.com', 'premium', 'active', '1988-02-29', 781,
        '2024-06-01 09:30:00.123456', '2024-06-01 09:30:00.123456');
INSERT INTO accounts (id, customer_id, iban, currency, account_type, balance, interest_rate, status, opened_on, updated_at)
VALUES (900001, 900001, 'DE99000000000000900001', 'EUR', 'savings', 25000.00, 0.0325, 'open', '2024-06-01',
        '2024-06-01 09:31:00.000001');
INSERT INTO transactions (id, account_id, amount, currency, kind, status, booked_at, value_date, description, created_at)
VALUES (900001, 900001, 25000.00, 'EUR', 'deposit', 'booked', '2024-06-01 09:31:00.000001', '2024-06-01', 'Opening deposit', '2024-06-01 09:31:00.000001'),
       (900002, 900001, -1250.75, 'EUR', 'withdrawal', 'pending', '2024-06-02 10:00:00.500000', '2024-06-02', NULL, '2024-06-02 10:00:00.500000');
COMMIT;
-- Interest booked on every savings account with id <= 20: balance += balance * rate / 12
UPDATE accounts SET balance = balance + ROUND(balance * IFNULL(interest_rate, 0) / 12, 2),
       updated_at = '2024-06-30 23:59:59.999999'
 WHERE account_type = 'savings' AND id <= 20;
UPDATE transactions SET status = 'booked', description = 'ATM Zürich' WHERE id = 900002;
UPDATE customers SET status = 'closed', email = NULL WHERE id = 3;
UPDATE agreements SET status = 'defaulted', end_date = '2024-07-01', principal = 123456789.01 WHERE id = 1;
DELETE FROM transactions WHERE id IN (1, 2, 3);
DELETE FROM agreements WHERE id = 2;
