package app

import "fmt"

// HumanBytes formats a size as people read it: 1.5 MB.
func HumanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// TransferOverQuota refuses to give account to an item of size bytes when
// it already uses used of its quota: ECONFLICT, saying by how much, in
// bytes and as people read them.
func TransferOverQuota(account, used, size, quota int64) error {
	return Errorf(ECONFLICT, "The item holds %s (%d bytes) and account %d already uses %s (%d bytes) of its %s (%d bytes) quota: "+
		"the transfer would put it %s (%d bytes) over. Raise the account's quota first, or, as an administrator, transfer it anyway.",
		HumanBytes(size), size, account, HumanBytes(used), used, HumanBytes(quota), quota, HumanBytes(used+size-quota), used+size-quota)
}
