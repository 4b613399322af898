export { Avatar } from "./index.web.js";
