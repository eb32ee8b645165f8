package objects

// Ganeti's built-in parameter defaults (NDC_DEFAULTS, BEC_DEFAULTS,
// NICC_DEFAULTS, IPOLICY_DEFAULTS; the same in Ganeti 3.0 and 3.1 as
// Debian builds them). A
// config written by Ganeti has every one of these keys at cluster level;
// they fill only what a hand-made config leaves out, as Python's
// UpgradeConfig would.

// DefaultNDParams are the built-in node parameters.
func DefaultNDParams() FilledNDParams {
	return FilledNDParams{
		OOBProgram:       "",
		SpindleCount:     1,
		ExclusiveStorage: false,
		OVS:              false,
		OVSName:          "switch1",
		OVSLink:          "",
		SSHPort:          22,
		CPUSpeed:         1,
	}
}

// DefaultBEParams are the built-in backend parameters.
func DefaultBEParams() FilledBEParams {
	return FilledBEParams{
		MinMem:         128,
		MaxMem:         128,
		VCPUs:          1,
		AutoBalance:    true,
		AlwaysFailover: false,
		SpindleUse:     1,
	}
}

// DefaultNICParams are the built-in NIC parameters.
func DefaultNICParams() FilledNICParams {
	return FilledNICParams{Mode: NICModeBridged, Link: "xen-br0", VLAN: ""}
}

// DefaultMinMaxISpecs is the built-in minmax element.
func DefaultMinMaxISpecs() FilledMinMaxISpecs {
	return FilledMinMaxISpecs{
		Min: FilledISpecParams{MemorySize: 128, DiskSize: 1024, DiskCount: 1, CPUCount: 1, NICCount: 1, SpindleUse: 1},
		Max: FilledISpecParams{MemorySize: 32768, DiskSize: 1048576, DiskCount: 16, CPUCount: 8, NICCount: 8, SpindleUse: 12},
	}
}

// DefaultIPolicy is the built-in instance policy.
func DefaultIPolicy() FilledIPolicy {
	return FilledIPolicy{
		MinMax:        []FilledMinMaxISpecs{DefaultMinMaxISpecs()},
		Std:           FilledISpecParams{MemorySize: 128, DiskSize: 1024, DiskCount: 1, CPUCount: 1, NICCount: 1, SpindleUse: 1},
		SpindleRatio:  32,
		VCPURatio:     4,
		DiskTemplates: []string{DTBlock, DTDiskless, DTDrbd, DTExt, DTFile, DTGluster, DTPlain, DTRbd, DTSharedFile},
	}
}
