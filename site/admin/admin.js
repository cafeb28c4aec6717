// Entry point of the admin page (plain ES modules, no build step).
import { start } from "./js/app.js";

start();
