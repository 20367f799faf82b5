# twincoach service image: Node 20, production dependencies only (tsx runs the TypeScript; no build step).
# Runs against a real MongoDB (MONGODB_URI; see compose.yaml and docs/production.md) — the embedded
# FerretDB needs Go and is for local mode only, so this image has no Go.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node_modules/.bin/tsx", "src/main.ts"]
