package query

// jobFields are the 16 fields of Ganeti 3.0.2's job queries, exactly as
// its QueryFields answers them; the job queue supplies the getters.
var jobFields = []FieldDefinition{
	{"id", "ID", KindNumber, "Job ID"},
	{"status", "Status", KindText, "Job status"},
	{"priority", "Priority", KindNumber, "Current job priority (19 to -20)"},
	{"archived", "Archived", KindBool, "Whether job is archived"},
	{"ops", "OpCodes", KindOther, "List of all opcodes"},
	{"opresult", "OpCode_result", KindOther, "List of opcodes results"},
	{"opstatus", "OpCode_status", KindOther, "List of opcodes status"},
	{"oplog", "OpCode_log", KindOther, "List of opcode output logs"},
	{"opstart", "OpCode_start", KindOther, "List of opcode start timestamps (before acquiring locks)"},
	{"opexec", "OpCode_exec", KindOther, "List of opcode execution start timestamps (after acquiring locks)"},
	{"opend", "OpCode_end", KindOther, "List of opcode execution end timestamps"},
	{"oppriority", "OpCode_prio", KindOther, "List of opcode priorities"},
	{"summary", "Summary", KindOther, "List of per-opcode summaries"},
	{"received_ts", "Received", KindOther, "Timestamp of when job was received (tuple containing seconds and microseconds)"},
	{"start_ts", "Start", KindOther, "Timestamp of job start (tuple containing seconds and microseconds)"},
	{"end_ts", "End", KindOther, "Timestamp of job end (tuple containing seconds and microseconds)"},
}

// JobFields returns the definitions of the job fields. Only "id" comes
// from the job id alone; the others need the job file (runtime fields).
// Filters must look at the three timestamps with ModeTimestamp, see
// JobFieldMode.
func JobFields() []FieldDefinition {
	return append([]FieldDefinition(nil), jobFields...)
}

// JobFieldMode returns the filter mode of the job field name.
func JobFieldMode(name string) FilterMode {
	switch name {
	case "received_ts", "start_ts", "end_ts":
		return ModeTimestamp
	}
	return ModeNormal
}
