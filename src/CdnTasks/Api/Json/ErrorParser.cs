// Copyright (c) CdnTasks contributors. MIT License.

using System.Text.Json;

namespace CdnTasks.Api.Json
{
    /// <summary>
    /// Reads the service's error bodies in all three shapes: flat {"error_code","error_msg"}, nested
    /// {"error":{...}}, and the gateway's {"error_code","error_msg","request_id"}; also code/message pairs.
    /// </summary>
    internal static class ErrorParser
    {
        /// <summary>Tries to read an error code, message and request id from a body. Returns false when none is found.</summary>
        public static bool TryParse(string body, out string code, out string message, out string requestId)
        {
            code = message = requestId = null;
            if (string.IsNullOrWhiteSpace(body))
            {
                return false;
            }

            try
            {
                using (JsonDocument document = JsonDocument.Parse(body))
                {
                    return Find(document.RootElement, 0, ref code, ref message, ref requestId);
                }
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private static bool Find(JsonElement element, int depth, ref string code, ref string message, ref string requestId)
        {
            if (element.ValueKind != JsonValueKind.Object || depth > 4)
            {
                return false;
            }

            string foundCode = Text(element, "error_code") ?? Text(element, "errorCode") ?? Text(element, "code");
            string foundMessage = Text(element, "error_msg") ?? Text(element, "errorMsg") ?? Text(element, "message");
            requestId = requestId ?? Text(element, "request_id");
            if (foundCode != null || foundMessage != null)
            {
                code = foundCode;
                message = foundMessage;
                return true;
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (Find(property.Value, depth + 1, ref code, ref message, ref requestId))
                {
                    return true;
                }
            }

            return false;
        }

        private static string Text(JsonElement element, string name)
        {
            if (!element.TryGetProperty(name, out JsonElement value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                    return value.GetRawText();
                default:
                    return null;
            }
        }
    }
}
