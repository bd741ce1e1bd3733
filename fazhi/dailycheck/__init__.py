"""每日十问 / 执法每日清: ten questions per unit per day answered from the data."""
