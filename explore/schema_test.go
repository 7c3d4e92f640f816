package explore

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

// explore's JSON, a shard's and a merge's validate against the schema
// docs/explore-report.schema.json publishes.
func TestJSONValidatesAgainstTheSchema(t *testing.T) {
	// Each schema is added under its $id, by which the other refers to it.
	c := jsonschema.NewCompiler()
	for f, id := range map[string]string{"report.schema.json": "urn:ndissim:report:1",
		"explore-report.schema.json": "urn:ndissim:explore-report:1"} {
		data, err := os.ReadFile("../docs/" + f)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		require.NoError(t, err)
		require.NoError(t, c.AddResource(id, doc))
	}
	schema, err := c.Compile("urn:ndissim:explore-report:1")
	require.NoError(t, err)

	opt := brokenOptions()
	opt.OutDir = t.TempDir()
	broken := []sim.Design{lookup(t, "broken-pause-no-signal"), lookup(t, "broken-double-free"), designfile.Default()}
	var whole []Report
	for _, d := range broken {
		whole = append(whole, explore(t, d, opt))
	}
	tree := opt
	tree.NoDedup, tree.Depth = true, 5
	shards := make([]ShardReports, 2)
	for i := range shards {
		o := opt
		o.Shard = sim.Shard{Index: i, Count: 2}
		for _, d := range broken {
			shards[i].Reports = append(shards[i].Reports, explore(t, d, o))
		}
	}
	merged, err := MergeShards(shards)
	require.NoError(t, err)
	for name, reps := range map[string][]Report{
		"whole": whole, "tree": {explore(t, designfile.Default(), tree)}, "shard": shards[1].Reports,
		"merged": merged, "none": {},
	} {
		data, err := json.Marshal(reps)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		require.NoError(t, err)
		require.NoError(t, schema.Validate(doc), "%s:\n%s", name, data)
	}
	require.Error(t, schema.Validate([]any{map[string]any{"design": "d"}}), "a report missing its counts")
}
