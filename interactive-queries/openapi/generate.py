#!/usr/bin/env python3
"""Writes src/main/resources/openapi.json: the API's paths, with response schemas derived from
the Avro result schemas (as AvroJson renders them: timestamps ISO-8601, enums lower-case).
Run from interactive-queries/ after changing a result schema or a route; OpenApiConformanceTest
checks real responses against the document."""
import json, os

AVRO = os.path.join("..", "avro-schemas", "src", "main", "avro", "results")
named = {}

def load(name):
    with open(os.path.join(AVRO, name + ".avsc")) as f:
        return json.load(f)

def schema_of(t):
    if isinstance(t, list):
        branches = [b for b in t if b != "null"]
        inner = schema_of(branches[0])
        if "null" in t:
            inner = dict(inner)
            if "type" in inner:
                inner["type"] = [inner["type"], "null"] if isinstance(inner["type"], str) else inner["type"] + ["null"]
            else:
                inner = {"anyOf": [inner, {"type": "null"}]}
        return inner
    if isinstance(t, str):
        if t in named:
            return {"$ref": "#/components/schemas/" + named[t]}
        return {"string": {"type": "string"}, "int": {"type": "integer"}, "long": {"type": "integer"},
                "double": {"type": "number"}, "float": {"type": "number"}, "boolean": {"type": "boolean"}}[t]
    kind = t["type"]
    if kind == "record":
        return record(t)
    if kind == "enum":
        named[t["name"]] = t["name"]
        components[t["name"]] = {"type": "string", "enum": [s.lower() for s in t["symbols"]]}
        return {"$ref": "#/components/schemas/" + t["name"]}
    if kind == "array":
        return {"type": "array", "items": schema_of(t["items"])}
    if kind == "map":
        return {"type": "object", "additionalProperties": schema_of(t["values"])}
    logical = t.get("logicalType")
    if logical and logical.startswith("timestamp"):
        return {"type": "string", "format": "date-time"}
    if logical == "uuid":
        return {"type": "string", "format": "uuid"}
    return schema_of(kind)

def record(t):
    name = t["name"]
    named[name] = name
    props = {}
    for f in t["fields"]:
        s = schema_of(f["type"])
        if "doc" in f and "$ref" not in s:
            s = dict(s, description=f["doc"])
        props[f["name"]] = s
    components[name] = {"type": "object", "description": t.get("doc", ""), "properties": props,
                        "required": [f["name"] for f in t["fields"]], "additionalProperties": False}
    return {"$ref": "#/components/schemas/" + name}

components = {}
for n in ["UserAnalytics", "UserEngagement", "QuizAnalytics", "LearningProgress", "CourseAnalytics",
          "AssessmentAnalytics", "DlqCount", "WindowedMetric", "MemoryScore", "RevisionSignal", "AtRiskLearner"]:
    record(load(n))

ref = lambda n: {"$ref": "#/components/schemas/" + n}
def page(item):
    return {"type": "object", "required": ["items", "limit", "offset", "total"], "additionalProperties": False,
            "properties": {"items": {"type": "array", "items": ref(item)}, "limit": {"type": "integer"},
                           "offset": {"type": "integer"}, "total": {"type": "integer"}}}

ua = json.loads(json.dumps(components["UserAnalytics"]))
ua["properties"]["engagement"] = {"type": "array", "items": ref("UserEngagement")}
ua["properties"]["quizzes"] = {"type": "array", "items": ref("QuizAnalytics")}
ua["required"] += ["engagement", "quizzes"]
components["UserAnalyticsResponse"] = ua
num_or_null = {"type": ["number", "null"]}
summary = {"type": "object", "additionalProperties": False,
           "required": ["days", "events", "quizAttempts", "averageScore", "failureRate", "averageDailyActiveLearners"],
           "properties": {"days": {"type": "integer"}, "events": {"type": "integer"}, "quizAttempts": {"type": "integer"},
                          "averageScore": num_or_null, "failureRate": num_or_null,
                          "averageDailyActiveLearners": num_or_null}}
components["PeriodSummary"] = summary
components["Dashboard"] = {"type": "object", "additionalProperties": False,
    "required": ["timeframe", "from", "to", "current", "previous", "changePercent"],
    "properties": {"timeframe": {"type": "string", "enum": ["7d", "30d", "90d", "1y"]},
                   "from": {"type": "string", "format": "date-time"}, "to": {"type": "string", "format": "date-time"},
                   "current": ref("PeriodSummary"), "previous": ref("PeriodSummary"),
                   "changePercent": {"type": "object", "additionalProperties": num_or_null,
                                     "description": "Change in % against the previous period; null without a base."}}}
components["MemoryPage"] = page("MemoryScore")
components["RevisionPage"] = page("RevisionSignal")
components["LearningProgressPage"] = page("LearningProgress")
components["WindowedMetricPage"] = page("WindowedMetric")
components["RiskResponse"] = {"type": "object", "additionalProperties": False, "required": ["userId", "courses"],
    "properties": {"userId": {"type": "string"}, "courses": {"type": "array", "items": ref("AtRiskLearner")}}}
components["DlqList"] = {"type": "object", "additionalProperties": False, "required": ["items"],
    "properties": {"items": {"type": "array", "items": ref("DlqCount")}}}
components["Published"] = {"type": "object", "additionalProperties": False, "required": ["eventId", "type", "topic"],
    "properties": {"eventId": {"type": "string", "format": "uuid"}, "type": {"type": "string"},
                   "topic": {"type": "string"}}}
components["Error"] = {"type": "object", "additionalProperties": False, "required": ["error"],
    "properties": {"error": {"type": "object", "additionalProperties": False, "required": ["status", "code", "message"],
        "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"},
                       "parameter": {"type": "string", "description": "The request parameter at fault (400)."}}}}}
components["Live"] = {"type": "object", "required": ["status"], "additionalProperties": False,
                      "properties": {"status": {"type": "string", "enum": ["up"]}}}
components["Ready"] = {"type": "object", "required": ["status", "state"], "additionalProperties": False,
                       "properties": {"status": {"type": "string", "enum": ["ready", "not_ready"]},
                                      "state": {"type": "string"}, "reason": {"type": "string"}}}

def resp(desc, schema=None):
    r = {"description": desc}
    if schema:
        r["content"] = {"application/json": {"schema": ref(schema)}}
    return r

errors = {"400": resp("A parameter is invalid; error.parameter names it.", "Error"),
          "401": resp("No or unknown API key.", "Error"), "403": resp("The key's role may not read this.", "Error"),
          "404": resp("Nothing stored under this key.", "Error"),
          "503": resp("No instance can answer now (starting, rebalancing, owner down without standby); see Retry-After.", "Error")}
headers = {"X-LearnStream-Source": {"description": "active, or standby when answered from a stale standby copy",
                                    "schema": {"type": "string", "enum": ["active", "standby"]}},
           "X-LearnStream-Offset-Lag": {"description": "For standby answers: how many changelog records behind.",
                                        "schema": {"type": "integer"}},
           "X-LearnStream-Served-By": {"description": "The instance that read its store (host:port).",
                                       "schema": {"type": "string"}}}

def get(summary_text, schema, params=(), ok="200"):
    r = {ok: resp("OK", schema)}
    r[ok]["headers"] = headers
    r.update(errors)
    return {"get": {"summary": summary_text, "security": [{"bearer": []}, {"apiKey": []}],
                    "parameters": list(params), "responses": r}}

def p(name, where="query", required=False, schema=None, desc=""):
    return {"name": name, "in": where, "required": required or where == "path", "description": desc,
            "schema": schema or {"type": "string"}}

paging = [p("limit", schema={"type": "integer", "minimum": 1, "maximum": 500, "default": 50}),
          p("offset", schema={"type": "integer", "minimum": 0, "default": 0})]
paths = {
  "/health/live": {"get": {"summary": "Liveness", "responses": {"200": resp("The process is up", "Live")}}},
  "/health/ready": {"get": {"summary": "Readiness: streams RUNNING, stores restored",
                            "responses": {"200": resp("Ready", "Ready"), "503": resp("Not ready; Retry-After", "Ready")}}},
  "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "Prometheus text format",
                       "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
  "/api/v1/users/{userId}/analytics": get("A learner's analytics (seed 003), engagement per domain and quiz analytics",
                                          "UserAnalyticsResponse", [p("userId", "path")]),
  "/api/v1/users/{userId}/memory": get("A learner's FSRS-6 memories, rescored at query time", "MemoryPage",
                                       [p("userId", "path")] + paging),
  "/api/v1/users/{userId}/revisions": get("A learner's revision signals", "RevisionPage",
      [p("userId", "path"), p("status", schema={"type": "string", "enum": ["open", "reviewed", "all"], "default": "all"})] + paging),
  "/api/v1/users/{userId}/risk": get("A learner's at-risk scores per course, with their factors", "RiskResponse",
                                     [p("userId", "path")]),
  "/api/v1/courses/{courseId}/analytics": get("Course analytics", "CourseAnalytics", [p("courseId", "path")]),
  "/api/v1/assessments/{assessmentId}/analytics": get("Assessment analytics", "AssessmentAnalytics",
                                                      [p("assessmentId", "path")]),
  "/api/v1/learning-progress": get("Learning progress by learner and/or course (one of them required)",
      "LearningProgressPage", [p("userId"), p("courseId"),
      p("status", schema={"type": "string", "enum": ["not_started", "in_progress", "completed", "dropped"]})] + paging),
  "/api/v1/dashboard": get("Totals of the last 7/30/90/365 days from the daily windows, with the change against the period before",
      "Dashboard", [p("timeframe", schema={"type": "string", "enum": ["7d", "30d", "90d", "1y"], "default": "7d"})]),
  "/api/v1/metrics/{window}": get("Windowed metrics in a time range, overall or per domain or module",
      "WindowedMetricPage", [p("window", "path", schema={"type": "string", "enum": ["1m", "5m", "1h", "1d"]}),
      p("from", schema={"type": "string", "format": "date-time"}, desc="window starts from (default: to - 1 day)"),
      p("to", schema={"type": "string", "format": "date-time"}, desc="window starts up to (default: now)"),
      p("domain"), p("module")] + paging),
  "/api/v1/dlq": get("Dead-lettered records per source topic and stage", "DlqList"),
}
publish = {"post": {"summary": "Publish an event (JSON, validated against its Avro schema and the topology's rules)",
    "security": [{"bearer": []}, {"apiKey": []}],
    "parameters": [p("type", "path", desc="Record name, e.g. ModuleQuizCompleted or module-quiz-completed")],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    "responses": dict({"202": resp("Produced", "Published")}, **errors)}}
paths["/api/v1/events/{type}"] = publish

doc = {"openapi": "3.1.0",
       "info": {"title": "LearnStream query API", "version": "1",
                "description": "Interactive queries over LearnStream's state stores. Any instance answers for any key."},
       "paths": paths,
       "components": {"schemas": components,
                      "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                          "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}}}
with open(os.path.join("src", "main", "resources", "openapi.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
