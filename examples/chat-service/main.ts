import { init } from '../../src/sdk/index.ts';
import { buildChatService, configFromEnv } from './chat-service.ts';

// `MLFLOW_TRACKING_URI=http://127.0.0.1:5000 MLFLOW_EXPERIMENT_ID=1 npx tsx examples/chat-service/main.ts`
init();
const app = await buildChatService(configFromEnv());
const port = Number(process.env.PORT ?? 8000);
const address = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port });
console.log(`chat-service listening on ${address}`);
