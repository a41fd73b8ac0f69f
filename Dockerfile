# The operator image: three static binaries (the operator, /manager; the catalog page,
# /mcp-catalog; and the stdio bridge, /mcp-stdio-bridge, which the operator injects into the
# pods of stdio MCP servers) on a distroless base, running as a non-root user.
FROM golang:1.26 AS builder
ARG TARGETOS
ARG TARGETARCH
WORKDIR /workspace
# Dependencies first, so that source changes reuse the module download layer.
COPY go.mod go.sum ./
RUN go mod download
COPY main.go main.go
COPY api/ api/
COPY controllers/ controllers/
COPY internal/ internal/
COPY helm-charts/ helm-charts/
COPY cmd/mcp-catalog/ cmd/mcp-catalog/
COPY cmd/mcp-stdio-bridge/ cmd/mcp-stdio-bridge/
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w" -o manager . && \
    CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w" -o mcp-catalog ./cmd/mcp-catalog && \
    CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w" -o mcp-stdio-bridge ./cmd/mcp-stdio-bridge

FROM gcr.io/distroless/static:nonroot
WORKDIR /
COPY --from=builder /workspace/manager /workspace/mcp-catalog /workspace/mcp-stdio-bridge ./
USER 65532:65532
ENTRYPOINT ["/manager"]
