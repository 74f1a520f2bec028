class Hidden: pass
