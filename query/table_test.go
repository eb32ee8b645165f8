package query

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsjson"
)

func TestQueryFieldsSubset(t *testing.T) {
	got := jobTable.Definitions([]string{"status", "nonexistent", "id", "status"})
	assert.Equal(t, []FieldDefinition{
		{"status", "Status", KindText, "Job status"},
		{"nonexistent", "nonexistent", KindUnknown, "Unknown field 'nonexistent'"},
		{"id", "ID", KindNumber, "Job ID"},
		{"status", "Status", KindText, "Job status"},
	}, got)
	all := jobTable.Definitions(nil)
	all[0].Name = "changed"
	assert.Equal(t, "archived", jobTable.Definitions(nil)[0].Name, "Definitions returns a copy")
}

func TestNewTablePanics(t *testing.T) {
	get := func(int) Cell { return Normal(1) }
	live := func(int, int) Cell { return Normal(1) }
	def := FieldDefinition{Name: "a", Title: "A", Kind: KindNumber, Doc: "A"}
	assert.PanicsWithError(t, `query: field "a" defined twice`, func() {
		NewTable(Field[int, int]{FieldDefinition: def, Get: get}, Field[int, int]{FieldDefinition: def, Get: get})
	})
	assert.PanicsWithError(t, `query: field "a" needs exactly one of Get and GetLive`, func() {
		NewTable(Field[int, int]{FieldDefinition: def})
	})
	assert.PanicsWithError(t, `query: field "a" needs exactly one of Get and GetLive`, func() {
		NewTable(Field[int, int]{FieldDefinition: def, Get: get, GetLive: live})
	})
	assert.PanicsWithError(t, `query: field without a name`, func() {
		NewTable(Field[int, int]{Get: get})
	})
}

func TestCellJSON(t *testing.T) {
	tests := []struct {
		cell Cell
		want string
	}{
		{Normal("node1"), `[0,"node1"]`},
		{Normal(nil), `[0,null]`},
		{Normal([]string{"<a&b>"}), `[0,["<a&b>"]]`},
		{Status(RSUnknown), `[1,null]`},
		{Cell{Status: RSNoData, Value: "stale"}, `[2,null]`},
		{Status(RSUnavail), `[3,null]`},
		{Status(RSOffline), `[4,null]`},
	}
	for _, tt := range tests {
		got, err := hsjson.Marshal(tt.cell)
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(got))
	}
	_, err := json.Marshal(Normal(make(chan int)))
	assert.ErrorContains(t, err, "query: encoding value")
}
