// Live dashboard alerts over the websocket. The pages work without it (reload to see new items).
document.addEventListener("DOMContentLoaded", () => {
  const region = document.getElementById("live-alerts");
  if (!region || !("WebSocket" in window)) return;
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  let delay = 1000;

  function show(message) {
    const item = message.item;
    const box = document.createElement("p");
    box.className = "alert " + (item.crisis ? "alert-danger" : "alert-info");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = (item.crisis ? region.dataset.urgent + ": " : "") + item.priority + " · " + item.state + " · " + item.excerpt;
    box.appendChild(link);
    region.prepend(box);
    while (region.children.length > 5) region.lastElementChild.remove();
  }

  function connect() {
    const socket = new WebSocket(scheme + location.host + region.dataset.socket);
    socket.addEventListener("open", () => { delay = 1000; });
    socket.addEventListener("message", (event) => show(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
});
