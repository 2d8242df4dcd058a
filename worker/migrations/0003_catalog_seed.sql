-- The example shop's catalog. Prices are in cents; a real shop replaces these rows
-- with its own in a later migration. `price_membership_monthly` must exist in the
-- Stripe account (as a price, or on localstripe as a plan of that id).
INSERT INTO catalog (sku, name, description, unit_amount, currency, kind, interval, stripe_price)
VALUES
    ('tshirt', 'Edge T-shirt', 'Organic cotton, printed at the edge', 2500, 'usd', 'one_time', NULL, NULL),
    ('mug', 'Latency mug', 'Holds 350 ml, answers in 5 ms', 1200, 'usd', 'one_time', NULL, NULL),
    ('stickers', 'Sticker pack', 'Six vinyl stickers', 300, 'usd', 'one_time', NULL, NULL),
    ('membership', 'Edge membership', 'Monthly perks for regulars', 900, 'usd', 'recurring', 'month', 'price_membership_monthly');
