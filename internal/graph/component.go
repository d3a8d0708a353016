package graph

import (
	"encoding/json"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/graph/model"
)

// components converts GraphQL component inputs to the domain's, through
// JSON: both use the GraphQL field names.
func components(in []model.ComponentInput) ([]component.Component, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	return component.Unmarshal(b)
}
