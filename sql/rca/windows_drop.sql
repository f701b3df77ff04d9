-- name: windows_drop
-- question: (not a question: drops temp.rca_win once the window_* queries have run)
-- params:
-- reads: rca_win
-- returns: nothing
DROP TABLE IF EXISTS rca_win;
