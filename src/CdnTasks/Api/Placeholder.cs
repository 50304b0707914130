namespace CdnTasks.Api { internal static class Placeholder { } }
