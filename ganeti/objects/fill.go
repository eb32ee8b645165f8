package objects

import (
	"maps"
	"strings"
)

// Parameter inheritance as luxid computes it for query results: each
// level's custom values laid over the filled values of the level above.
// Cluster-level records are first completed from Ganeti's built-in
// defaults (defaults.go).

// FillDict returns a new map with base's entries overridden by custom's
// and without the skip keys (Ganeti's fillDict).
func FillDict(base, custom Params, skip ...string) Params {
	out := make(Params, len(base)+len(custom))
	maps.Copy(out, base)
	maps.Copy(out, custom)
	for _, k := range skip {
		delete(out, k)
	}
	return out
}

// set returns *p when p is set, else def.
func set[T any](p *T, def T) T {
	if p != nil {
		return *p
	}
	return def
}

// FillNDParams lays custom over base.
func FillNDParams(base FilledNDParams, custom PartialNDParams) FilledNDParams {
	return FilledNDParams{
		OOBProgram:       set(custom.OOBProgram, base.OOBProgram),
		SpindleCount:     set(custom.SpindleCount, base.SpindleCount),
		ExclusiveStorage: set(custom.ExclusiveStorage, base.ExclusiveStorage),
		OVS:              set(custom.OVS, base.OVS),
		OVSName:          set(custom.OVSName, base.OVSName),
		OVSLink:          set(custom.OVSLink, base.OVSLink),
		SSHPort:          set(custom.SSHPort, base.SSHPort),
		CPUSpeed:         set(custom.CPUSpeed, base.CPUSpeed),
	}
}

// FillBEParams lays custom over base.
func FillBEParams(base FilledBEParams, custom PartialBEParams) FilledBEParams {
	return FilledBEParams{
		MinMem:         set(custom.MinMem, base.MinMem),
		MaxMem:         set(custom.MaxMem, base.MaxMem),
		VCPUs:          set(custom.VCPUs, base.VCPUs),
		AutoBalance:    set(custom.AutoBalance, base.AutoBalance),
		AlwaysFailover: set(custom.AlwaysFailover, base.AlwaysFailover),
		SpindleUse:     set(custom.SpindleUse, base.SpindleUse),
	}
}

// FillNICParams lays custom over base.
func FillNICParams(base FilledNICParams, custom PartialNICParams) FilledNICParams {
	return FilledNICParams{
		Mode: set(custom.Mode, base.Mode),
		Link: set(custom.Link, base.Link),
		VLAN: set(custom.VLAN, base.VLAN),
	}
}

// FillISpec lays custom over base.
func FillISpec(base FilledISpecParams, custom PartialISpecParams) FilledISpecParams {
	return FilledISpecParams{
		MemorySize: set(custom.MemorySize, base.MemorySize),
		DiskSize:   set(custom.DiskSize, base.DiskSize),
		DiskCount:  set(custom.DiskCount, base.DiskCount),
		CPUCount:   set(custom.CPUCount, base.CPUCount),
		NICCount:   set(custom.NICCount, base.NICCount),
		SpindleUse: set(custom.SpindleUse, base.SpindleUse),
	}
}

// FillIPolicy lays custom over base the way Ganeti does for policies: a
// set minmax list replaces the whole list, std is filled key by key, the
// ratios and disk templates replace.
func FillIPolicy(base FilledIPolicy, custom PartialIPolicy) FilledIPolicy {
	out := FilledIPolicy{
		MinMax:        base.MinMax,
		Std:           base.Std,
		SpindleRatio:  set(custom.SpindleRatio, base.SpindleRatio),
		VCPURatio:     set(custom.VCPURatio, base.VCPURatio),
		DiskTemplates: base.DiskTemplates,
	}
	if custom.MinMax != nil {
		out.MinMax = fillMinMax(custom.MinMax)
	}
	if custom.Std != nil {
		out.Std = FillISpec(base.Std, *custom.Std)
	}
	if custom.DiskTemplates != nil {
		out.DiskTemplates = custom.DiskTemplates
	}
	return out
}

// fillMinMax completes stored minmax elements; Ganeti always stores them
// whole, so the built-in bounds only fill gaps of hand-made configs.
func fillMinMax(stored []MinMaxISpecs) []FilledMinMaxISpecs {
	def := DefaultMinMaxISpecs()
	out := make([]FilledMinMaxISpecs, len(stored))
	for i, mm := range stored {
		out[i] = FilledMinMaxISpecs{Min: FillISpec(def.Min, mm.Min), Max: FillISpec(def.Max, mm.Max)}
	}
	return out
}

// FilledNDParams returns the cluster's node parameters.
func (c *Cluster) FilledNDParams() FilledNDParams {
	return FillNDParams(DefaultNDParams(), c.NDParams)
}

// FilledBEParams returns the cluster's default backend parameters, or
// false when the cluster has no "default" group (an instance's beparams
// then have no data).
func (c *Cluster) FilledBEParams() (FilledBEParams, bool) {
	p, ok := c.BEParams[DefaultParamGroup]
	return FillBEParams(DefaultBEParams(), p), ok
}

// FilledNICParams returns the cluster's default NIC parameters, or false
// when the cluster has no "default" group.
func (c *Cluster) FilledNICParams() (FilledNICParams, bool) {
	p, ok := c.NICParams[DefaultParamGroup]
	return FillNICParams(DefaultNICParams(), p), ok
}

// FilledIPolicy returns the cluster's instance policy.
func (c *Cluster) FilledIPolicy() FilledIPolicy {
	return FillIPolicy(DefaultIPolicy(), c.IPolicy)
}

// GroupNDParams returns a group's node parameters: cluster ← group.
func (c *ConfigData) GroupNDParams(g *NodeGroup) FilledNDParams {
	return FillNDParams(c.Cluster.FilledNDParams(), g.NDParams)
}

// GroupIPolicy returns a group's instance policy: cluster ← group.
func (c *ConfigData) GroupIPolicy(g *NodeGroup) FilledIPolicy {
	return FillIPolicy(c.Cluster.FilledIPolicy(), g.IPolicy)
}

// GroupDiskParams returns a group's disk parameters as luxid shows them:
// the cluster's per-template maps with each template the group sets
// replaced whole by the group's map (not merged key by key, unlike
// Python's FillDiskParams).
func (c *ConfigData) GroupDiskParams(g *NodeGroup) map[string]Params {
	out := make(map[string]Params, len(c.Cluster.DiskParams)+len(g.DiskParams))
	maps.Copy(out, c.Cluster.DiskParams)
	maps.Copy(out, g.DiskParams)
	return out
}

// InstanceOSParams returns an instance's public OS parameters: cluster
// osparams of the OS name without its "+variant" ← instance. An instance
// whose OS has no cluster entry keeps its own.
func (c *ConfigData) InstanceOSParams(i *Instance) Params {
	name, _, _ := strings.Cut(i.OS, "+")
	base, ok := c.Cluster.OSParams[name]
	if !ok {
		return FillDict(nil, i.OSParams)
	}
	return FillDict(base, i.OSParams)
}
