package luxi

// The LUXI methods served by luxid. Names are case-sensitive.
const (
	MethodQuery                   = "Query"
	MethodQueryFields             = "QueryFields"
	MethodQueryNodes              = "QueryNodes"
	MethodQueryGroups             = "QueryGroups"
	MethodQueryNetworks           = "QueryNetworks"
	MethodQueryInstances          = "QueryInstances"
	MethodQueryFilters            = "QueryFilters"
	MethodReplaceFilter           = "ReplaceFilter"
	MethodDeleteFilter            = "DeleteFilter"
	MethodQueryJobs               = "QueryJobs"
	MethodQueryExports            = "QueryExports"
	MethodQueryConfigValues       = "QueryConfigValues"
	MethodQueryClusterInfo        = "QueryClusterInfo"
	MethodQueryTags               = "QueryTags"
	MethodSubmitJob               = "SubmitJob"
	MethodSubmitJobToDrainedQueue = "SubmitJobToDrainedQueue"
	MethodSubmitManyJobs          = "SubmitManyJobs"
	MethodWaitForJobChange        = "WaitForJobChange"
	MethodPickupJob               = "PickupJob"
	MethodArchiveJob              = "ArchiveJob"
	MethodAutoArchiveJobs         = "AutoArchiveJobs"
	MethodCancelJob               = "CancelJob"
	MethodChangeJobPriority       = "ChangeJobPriority"
	MethodSetDrainFlag            = "SetDrainFlag"
	MethodSetWatcherPause         = "SetWatcherPause"
)

// Methods lists every LUXI method in the order of the protocol
// description. Callers must not modify it.
var Methods = []string{
	MethodQuery,
	MethodQueryFields,
	MethodQueryNodes,
	MethodQueryGroups,
	MethodQueryNetworks,
	MethodQueryInstances,
	MethodQueryFilters,
	MethodReplaceFilter,
	MethodDeleteFilter,
	MethodQueryJobs,
	MethodQueryExports,
	MethodQueryConfigValues,
	MethodQueryClusterInfo,
	MethodQueryTags,
	MethodSubmitJob,
	MethodSubmitJobToDrainedQueue,
	MethodSubmitManyJobs,
	MethodWaitForJobChange,
	MethodPickupJob,
	MethodArchiveJob,
	MethodAutoArchiveJobs,
	MethodCancelJob,
	MethodChangeJobPriority,
	MethodSetDrainFlag,
	MethodSetWatcherPause,
}

// methodSet holds the names of Methods for IsMethod.
var methodSet = func() map[string]bool {
	set := make(map[string]bool, len(Methods))
	for _, m := range Methods {
		set[m] = true
	}
	return set
}()

// IsMethod reports whether name is a LUXI method.
func IsMethod(name string) bool {
	return methodSet[name]
}
