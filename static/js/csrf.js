// Send the current CSRF token with every htmx request.
// The token changes when the session does (sign-in, second step). A boosted navigation swaps the
// <body>'s content but keeps its attributes, so the token in <body hx-headers> can be stale; the
// element #csrf-token is inside the swapped content and always current.
document.addEventListener("htmx:configRequest", (event) => {
  const holder = document.getElementById("csrf-token");
  if (holder) event.detail.headers["X-CSRFToken"] = holder.dataset.token;
});
