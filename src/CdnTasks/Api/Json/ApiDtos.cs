// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace CdnTasks.Api.Json
{
    /// <summary>ShowHistoryTasks response.</summary>
    internal sealed class HistoryTaskPageDto
    {
        [JsonPropertyName("total")]
        public long? Total { get; set; }

        [JsonPropertyName("tasks")]
        public List<HistoryTaskDto> Tasks { get; set; }
    }

    /// <summary>One task of ShowHistoryTasks (and the task part of ShowHistoryTaskDetails).</summary>
    internal class HistoryTaskDto
    {
        /// <summary>Gets or sets the task id: a string of digits on the wire, read as a number.</summary>
        [JsonPropertyName("id")]
        public long? Id { get; set; }

        [JsonPropertyName("task_type")]
        public string TaskType { get; set; }

        [JsonPropertyName("status")]
        public string Status { get; set; }

        [JsonPropertyName("processing")]
        public long? Processing { get; set; }

        [JsonPropertyName("succeed")]
        public long? Succeed { get; set; }

        [JsonPropertyName("failed")]
        public long? Failed { get; set; }

        [JsonPropertyName("total")]
        public long? Total { get; set; }

        [JsonPropertyName("create_time")]
        public long? CreateTime { get; set; }

        [JsonPropertyName("file_type")]
        public string FileType { get; set; }
    }

    /// <summary>ShowHistoryTaskDetails response: the task and one page of its URLs.</summary>
    internal sealed class HistoryTaskDetailDto : HistoryTaskDto
    {
        [JsonPropertyName("urls")]
        public List<HistoryUrlDto> Urls { get; set; }
    }

    /// <summary>One URL of ShowHistoryTaskDetails.</summary>
    internal sealed class HistoryUrlDto
    {
        [JsonPropertyName("id")]
        public string Id { get; set; }

        [JsonPropertyName("url")]
        public string Url { get; set; }

        [JsonPropertyName("status")]
        public string Status { get; set; }

        [JsonPropertyName("create_time")]
        public long? CreateTime { get; set; }

        /// <summary>Gets or sets the task id: a string of digits on the wire, read as a number.</summary>
        [JsonPropertyName("task_id")]
        public long? TaskId { get; set; }

        [JsonPropertyName("task_type")]
        public string TaskType { get; set; }

        [JsonPropertyName("fail_classify")]
        public string FailClassify { get; set; }

        [JsonPropertyName("fail_desc")]
        public string FailDesc { get; set; }
    }

    /// <summary>CreateRefreshTasks request body.</summary>
    internal sealed class RefreshTaskRequestDto
    {
        [JsonPropertyName("refresh_task")]
        public RefreshTaskBodyDto RefreshTask { get; set; }
    }

    /// <summary>The refresh_task object.</summary>
    internal sealed class RefreshTaskBodyDto
    {
        [JsonPropertyName("type")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string Type { get; set; }

        [JsonPropertyName("mode")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string Mode { get; set; }

        [JsonPropertyName("zh_url_encode")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? ZhUrlEncode { get; set; }

        [JsonPropertyName("urls")]
        public List<string> Urls { get; set; }
    }

    /// <summary>CreatePreheatingTasks request body.</summary>
    internal sealed class PreheatingTaskRequestDto
    {
        [JsonPropertyName("preheating_task")]
        public PreheatingTaskBodyDto PreheatingTask { get; set; }
    }

    /// <summary>The preheating_task object.</summary>
    internal sealed class PreheatingTaskBodyDto
    {
        [JsonPropertyName("zh_url_encode")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? ZhUrlEncode { get; set; }

        [JsonPropertyName("urls")]
        public List<string> Urls { get; set; }
    }

    /// <summary>Response of both create operations: the new task id under refresh_task or preheating_task.</summary>
    internal sealed class CreateTaskResponseDto
    {
        [JsonPropertyName("refresh_task")]
        public string RefreshTask { get; set; }

        [JsonPropertyName("preheating_task")]
        public string PreheatingTask { get; set; }
    }

    /// <summary>ShowQuota response.</summary>
    internal sealed class QuotaResponseDto
    {
        [JsonPropertyName("quotas")]
        public List<QuotaDto> Quotas { get; set; }
    }

    /// <summary>One quota entry.</summary>
    internal sealed class QuotaDto
    {
        [JsonPropertyName("quota_limit")]
        public long? QuotaLimit { get; set; }

        [JsonPropertyName("type")]
        public string Type { get; set; }

        [JsonPropertyName("used")]
        public long? Used { get; set; }

        [JsonPropertyName("user_domain_id")]
        public string UserDomainId { get; set; }
    }

    /// <summary>IAM GET /v3/auth/domains response.</summary>
    internal sealed class IamDomainsDto
    {
        [JsonPropertyName("domains")]
        public List<IamDomainDto> Domains { get; set; }
    }

    /// <summary>One IAM domain (account).</summary>
    internal sealed class IamDomainDto
    {
        [JsonPropertyName("id")]
        public string Id { get; set; }

        [JsonPropertyName("name")]
        public string Name { get; set; }
    }

    /// <summary>Source-generated serialization metadata for every DTO (no reflection at run time).</summary>
    [JsonSourceGenerationOptions(
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
    [JsonSerializable(typeof(UrlTaskPage))]
    [JsonSerializable(typeof(HistoryTaskPageDto))]
    [JsonSerializable(typeof(HistoryTaskDetailDto))]
    [JsonSerializable(typeof(RefreshTaskRequestDto))]
    [JsonSerializable(typeof(PreheatingTaskRequestDto))]
    [JsonSerializable(typeof(CreateTaskResponseDto))]
    [JsonSerializable(typeof(QuotaResponseDto))]
    [JsonSerializable(typeof(IamDomainsDto))]
    internal sealed partial class CdnJsonContext : JsonSerializerContext
    {
    }
}
